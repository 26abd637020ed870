// Small answers of the dashboard: plain-text responses, and the answer to a request Node's HTTP
// parser could not read (there is no response object then, only the socket).
import type http from "node:http";
import type { Duplex } from "node:stream";

/** Answers `status` with a one-line plain-text body. */
export function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
  });
  res.end(body + "\n");
}

/** `value` for a message: JSON-quoted and cut to `max` characters. */
export function quote(value: string | undefined, max = 80): string {
  if (value === undefined) return "(none)";
  return JSON.stringify(value.length > max ? value.slice(0, max) + "…" : value);
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
};

/**
 * The server's 'clientError' handler: answers a request that is not valid HTTP with 400 (431 for
 * headers too large, 408 for a request too slow) and closes the connection. A connection reset by
 * the peer, or one that already carried a response, is just destroyed.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const bytesWritten = (socket as { bytesWritten?: number }).bytesWritten ?? 0;
  if (err.code === "ECONNRESET" || !socket.writable || bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const status =
    err.code === "HPE_HEADER_OVERFLOW"
      ? 431
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? 408
        : err.code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
          ? 413
          : 400;
  const body = `${REASONS[status]}: ${err.code ?? err.message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A peer that never closes its side must not hold the socket.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** The server's 'connect' handler: this is no proxy, so CONNECT is answered 405 and closed. */
export function refuseConnect(_req: unknown, socket: Duplex): void {
  const body = "method CONNECT not allowed: this is the Dendrite live dashboard, not a proxy\n";
  socket.on("error", () => socket.destroy());
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 2000).unref();
}
