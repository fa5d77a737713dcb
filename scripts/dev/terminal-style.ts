/** ANSI colours for the dev runner's output, off when the output is not a terminal or NO_COLOR is set. */

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold';

const CODES: Record<Colour, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
};

export class TerminalStyle {
  constructor(readonly enabled: boolean) {}

  static forStream(stream: NodeJS.WriteStream, env: Record<string, string | undefined>): TerminalStyle {
    if (env.NO_COLOR) return new TerminalStyle(false);
    if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return new TerminalStyle(true);
    return new TerminalStyle(stream.isTTY === true);
  }

  paint(colour: Colour, text: string): string {
    if (!this.enabled) return text;
    const [open, close] = CODES[colour];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }
}
