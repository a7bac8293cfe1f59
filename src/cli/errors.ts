/** An error for the person at the terminal: printed as is (no stack), with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class GatewayNotRunningError extends CliError {
  constructor(port: number) {
    super(
      `No gateway is running on 127.0.0.1:${port}. Start one with \`openclaw gateway run\` (or open the desktop app).`,
    );
    this.name = 'GatewayNotRunningError';
  }
}
