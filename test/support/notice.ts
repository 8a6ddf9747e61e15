/**
 * A skip notice that stays visible: Jest buffers console.* per test file and drops it for a suite
 * whose tests are all skipped, so the notice goes straight to stderr.
 */
export function skipNotice(message: string): void {
  process.stderr.write(`\nNOTICE: ${message}\n\n`);
}
