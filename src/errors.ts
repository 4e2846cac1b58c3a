/** Errors the CLI turns into one line and an exit code. Library code throws these; it never exits. */
export class InputError extends Error {
  /** Exit code 2: bad usage or bad input. */
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
