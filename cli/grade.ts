import { type Command, NotAvailableError } from "./command.js";

export const grade: Command = {
  name: "grade",
  summary: "release and autograde nbgrader-format assignment notebooks",
  usage: `Usage: lectern grade release SRC.ipynb -o DIR
       lectern grade autograde RELEASE.ipynb SUBMISSIONS/ -o GRADED/ [--force]

  release     strip solutions and hidden tests, record checksums of locked cells
  autograde   run each submission through the kernel and write a gradebook

Options:
  -h, --help  show this help`,
  async run() {
    throw new NotAvailableError("grade", "the grading issue has not landed");
  },
};
