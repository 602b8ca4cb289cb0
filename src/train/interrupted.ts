/**
 * A command stopped by Ctrl-C after saving its state: the CLI exits with 130 (the shell's code for
 * SIGINT), so that `facet train && facet embed` does not go on with a half-trained model.
 */
export class InterruptedError extends Error {
  readonly exitCode = 130;
}
