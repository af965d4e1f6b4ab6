export {
  AutogradError,
  DeviceError,
  DTypeError,
  IndexError,
  LecternError,
  ShapeError,
  ValueError,
} from "./errors.js";
