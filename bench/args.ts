// The command line every benchmark reads: `--name value` options and `--flag` switches.
const args = process.argv.slice(2);

/** The value after `--name`, or undefined. */
export function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Whether `--name` was given. */
export function has(name: string): boolean {
  return args.includes(name);
}
