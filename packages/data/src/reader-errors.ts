/**
 * Errors of the file readers: each names the reader and the file. A Rust panic inside
 * nodejs-polars reaches JavaScript as an Error whose message is the panic's own text ("called
 * `Option::unwrap()` on a `None` value", "assertion failed: …", "not yet implemented"), which says
 * nothing about the data; such a message is replaced by a sentence about the file, and the original
 * error stays as the `cause`.
 */

/** The texts of Rust panics (and of the assertions inside Polars), as napi passes them on. */
const PANIC =
  /called `(?:Option|Result)::(?:unwrap|expect)|^assertion(?: `left (?:==|!=) right`)? failed|index out of bounds|out of range for slice|slice index starts at|is not a char boundary|not yet implemented|^not implemented|entered unreachable code|attempt to [a-z ]+ with overflow|capacity overflow|explicit panic|panicked at/;

/** True when `text` is the message of a Rust panic rather than an error about the data. */
export function isPanic(text: string): boolean {
  return PANIC.test(text);
}

/** The first line of an error's message (Polars appends hints after a blank line). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0]!;
}

/** A flatbuffers decoding error (Arrow metadata in IPC and Parquet files), as Rust debug-prints it. */
const FLATBUFFER =
  /Error \{ source_location: ErrorLocation \{ type_: "([^"]*)", method: "([^"]*)", byte_offset: (\d+) \}, error_kind: (\w+)/;

/** What Polars said, with a Rust debug dump of a flatbuffers error put into words. */
function plain(text: string): string {
  const fb = FLATBUFFER.exec(text);
  if (!fb) return text;
  const [, type, method, offset, kind] = fb;
  return (
    `the file is damaged: its Arrow metadata does not decode ` +
    `(${kind} in ${type}.${method}, byte ${offset} of the metadata)`
  );
}

/** What to say instead of a panic's text. */
export const PANIC_REASON =
  "Polars failed inside (a Rust panic, not a message about the data): the file is damaged, " +
  "or uses something nodejs-polars 0.24.1 does not support";

/**
 * An Error `op: path: reason` (or `op: path, place: reason` when the place in the file is known)
 * for what a Polars reader threw, keeping it as the `cause`.
 */
export function readerError(op: string, path: string, err: unknown, place?: string): Error {
  const text = firstLine(err);
  const reason = isPanic(text) ? PANIC_REASON : plain(text);
  const where = place === undefined || isPanic(text) ? path : `${path}, ${place}`;
  return new Error(`${op}: ${where}: ${reason}`, { cause: err });
}
