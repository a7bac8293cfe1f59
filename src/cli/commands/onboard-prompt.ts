// Questions for `openclaw onboard`: asked on a terminal, or answered by flags. Without a terminal (or with CI set)
// a missing answer is an error naming the flag that gives it, so a script never hangs on a prompt nobody sees.
import { createInterface, type Interface } from 'node:readline';
import { CliError } from '../errors';

export interface Asker {
  readonly interactive: boolean;
  /** The flag's value when given, else the answer typed (default on Enter), else an error naming the flag. */
  text(question: string, flag: string, given: string | undefined, fallback?: string): Promise<string>;
  /** One of `choices` (by its number or its name). */
  choose<T extends string>(
    question: string,
    flag: string,
    given: string | undefined,
    choices: ReadonlyArray<{ value: T; label: string }>,
    /** Taken on Enter, and unattended when the flag is absent; without one the answer is required. */
    fallback?: T,
  ): Promise<T>;
  /** A secret: typed without echo. Never required in unattended runs (undefined when not given). */
  secret(question: string): Promise<string | undefined>;
  /** y/N; unattended, `given` decides (false when absent). */
  confirm(question: string, given: boolean | undefined): Promise<boolean>;
  close(): void;
}

export function isInteractive(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  return !ci && !!process.stdin.isTTY && !!process.stdout.isTTY;
}

export function makeAsker(interactive: boolean): Asker {
  let rl: Interface | null = null;
  let muted = false;
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let closed = false;
  const open = (): Interface => {
    if (rl) return rl;
    rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Echo is switched off while a key is typed; readline writes every keystroke through this method.
    const write = (rl as unknown as { _writeToOutput(s: string): void })._writeToOutput.bind(rl);
    (rl as unknown as { _writeToOutput(s: string): void })._writeToOutput = (s: string) => {
      if (!muted || s.includes('\n')) write(muted ? '\n' : s);
    };
    rl.on('line', (line) => {
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    });
    rl.on('close', () => {
      closed = true;
      for (const w of waiting.splice(0)) w(null);
    });
    return rl;
  };
  const ask = async (prompt: string): Promise<string> => {
    const r = open();
    r.setPrompt(prompt);
    r.prompt();
    const line =
      lines.shift() ?? (closed ? null : await new Promise<string | null>((res) => waiting.push(res)));
    if (line === null)
      throw new CliError('Setup stopped: the input ended before every question was answered.');
    return line.trim();
  };
  const missing = (flag: string, question: string) =>
    new CliError(
      `${flag} is required when there is no terminal to ask in (${question.replace(/[?:]\s*$/, '')}).`,
    );

  return {
    interactive,
    async text(question, flag, given, fallback) {
      if (given !== undefined) return given;
      if (!interactive) {
        if (fallback !== undefined) return fallback;
        throw missing(flag, question);
      }
      const answer = await ask(`${question}${fallback ? ` [${fallback}]` : ''} `);
      return answer || fallback || '';
    },
    async choose(question, flag, given, choices, fallback) {
      const pick = (text: string) => {
        const n = Number(text);
        if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!.value;
        return choices.find((c) => c.value === text.toLowerCase())?.value;
      };
      const names = choices.map((c) => c.value).join(', ');
      if (given !== undefined) {
        const value = pick(given);
        if (!value) throw new CliError(`${flag} must be one of ${names} (got ${JSON.stringify(given)}).`);
        return value;
      }
      if (!interactive) {
        if (fallback !== undefined) return fallback;
        throw missing(flag, question);
      }
      console.log(question);
      choices.forEach((c, i) => console.log(`  ${i + 1}) ${c.label}`));
      const hint = fallback === undefined ? '' : ` [${choices.findIndex((c) => c.value === fallback) + 1}]`;
      for (;;) {
        const answer = await ask(`Choose 1-${choices.length}${hint}: `);
        const value = answer === '' ? fallback : pick(answer);
        if (value) return value;
        console.log(`Type a number from 1 to ${choices.length}, or one of: ${names}.`);
      }
    },
    async secret(question) {
      if (!interactive) return undefined;
      process.stdout.write(question + ' ');
      muted = true;
      try {
        const answer = await ask('');
        return answer || undefined;
      } finally {
        muted = false;
      }
    },
    async confirm(question, given) {
      if (given !== undefined || !interactive) return given ?? false;
      return /^y(es)?$/i.test(await ask(`${question} [y/N] `));
    },
    close() {
      rl?.close();
    },
  };
}
