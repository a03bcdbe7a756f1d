// The playground's Web Worker: a Runner answering the page's messages.
import type { Command, Report } from "./protocol.js";
import { Runner } from "./runner.js";

const scope = globalThis as unknown as { onmessage: ((event: { data: Command }) => void) | null; postMessage(report: Report): void };

// Yielding through a MessageChannel: a chain of setTimeout(0) is held to 4 ms a call once nested.
interface Port {
  onmessage: (() => void) | null;
  postMessage(message: null): void;
}
// Typed by hand: this project's TypeScript knows Node's ports, not the browser's.
const channel = new MessageChannel() as unknown as { port1: Port; port2: Port };
const queued: (() => void)[] = [];
channel.port1.onmessage = () => queued.shift()?.();

const runner = new Runner({
  post: (report) => scope.postMessage(report),
  schedule: (fn, ms) => {
    if (ms > 0) {
      setTimeout(fn, ms);
      return;
    }
    queued.push(fn);
    channel.port2.postMessage(null);
  },
  now: () => performance.now(),
});
scope.onmessage = (event) => runner.handle(event.data);
