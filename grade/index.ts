/**
 * lectern's assignment tooling, nbgrader's format for TypeScript notebooks.
 * Test cells import the assertions from here:
 * `import { expect, assertClose } from "lectern/grade";`
 */
export {
  AssertionError,
  assertClose,
  assertDtype,
  assertShape,
  type CloseOptions,
  expect,
  type Matchers,
  PARTIAL_CREDIT_MIME,
  partialCredit,
} from "./asserts.js";
export { type AutogradeOptions, type AutogradeReport, autograde } from "./autograde.js";
export { computeChecksum } from "./checksum.js";
export { annotateNotebook, concealHiddenTests, feedbackHtml } from "./feedback.js";
export {
  type GradebookRow,
  gradebookCsv,
  gradebookJson,
  type SubmissionResult,
  summary,
} from "./gradebook.js";
export { type NbgraderMetadata, validateMetadata } from "./metadata.js";
export { DEFAULT_LIMITS, type Limits } from "./sandbox.js";
export {
  type Cell,
  type Notebook,
  parseNotebook,
  readNotebook,
  writeNotebook,
} from "./notebook.js";
export { lockedCells, release } from "./release.js";
export { restoreSubmission } from "./restore.js";
export { type CellStatus, scoreCell } from "./score.js";
