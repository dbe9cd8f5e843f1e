// Progress on long steps, on stderr so that --json output on stdout stays clean. On a terminal
// one line is rewritten in place; otherwise a line is printed at most every two seconds per stage.
export interface Progress {
  update(stage: string, message: string): void;
  done(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const tty = stream.isTTY === true;
  const lastPrinted = new Map<string, number>();
  let open = false;
  return {
    update(stage, message) {
      if (quiet) return;
      const line = `${stage}: ${message}`;
      if (tty) {
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 100) - 1)}`);
        open = true;
        return;
      }
      const now = Date.now();
      if (now - (lastPrinted.get(stage) ?? 0) < 2000) return;
      lastPrinted.set(stage, now);
      stream.write(`${line}\n`);
    },
    done() {
      if (tty && open) stream.write('\r\x1b[2K');
      open = false;
    },
  };
}
