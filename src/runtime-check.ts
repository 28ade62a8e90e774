/** Imported first by every entry point: stops an unsupported Node.js with one line saying what was found. */
import { UnsupportedNodeError, assertSupportedNode } from "./runtime";

try {
  assertSupportedNode();
} catch (e) {
  if (!(e instanceof UnsupportedNodeError)) throw e;
  console.error(e.message);
  process.exit(1);
}
