// Parsing a request's target (the URL in its request line) without ever throwing: a malformed
// target is a 400 (or 414) answer, never an exception out of the request handler.

/** The longest request target the dashboard reads; longer ones are answered 414. */
export const MAX_TARGET_LENGTH = 8192;

/** A request target the dashboard can route. */
export interface Target {
  /** The path, still percent-encoded, e.g. "/assets/vega.min.js". Always starts with one "/". */
  readonly path: string;
  /** The query without its "?", still percent-encoded ("" if none). */
  readonly query: string;
  /** The authority of an absolute-form target ("http://host:port/path"), else undefined. */
  readonly authority: string | undefined;
}

/** Why a target cannot be routed, and the status to answer. */
export interface BadTarget {
  readonly status: 400 | 414;
  readonly reason: string;
}

/** Printable ASCII but space, '"', '#', '<', '>', '?', '`', '{', '}': what browsers leave unescaped in a path. */
const PATH_CHARS = /^[!$-;=@-_a-z|~]*$/;
/** Printable ASCII but space, '"', '#': what browsers leave unescaped in a query. */
const QUERY_CHARS = /^[!$-~]*$/;
/** A percent sign not followed by two hex digits. */
const BAD_PERCENT = /%(?![0-9a-fA-F]{2})/;
const ABSOLUTE_FORM = /^https?:\/\//i;

/**
 * Splits a request target into path and query. Accepts the origin form ("/path?query") and the
 * absolute form ("http://host/path?query"); anything else (no leading "/", a leading "//",
 * characters a URL cannot hold, a bad percent escape, a path that is not UTF-8 once decoded, or
 * more than `MAX_TARGET_LENGTH` characters) comes back as a `BadTarget`. Never throws.
 */
export function parseTarget(raw: string | undefined): Target | BadTarget {
  if (raw === undefined || raw === "") return bad(400, "empty request target");
  if (raw.length > MAX_TARGET_LENGTH) {
    return bad(414, `request target of ${raw.length} characters; at most ${MAX_TARGET_LENGTH}`);
  }
  let target = raw;
  let authority: string | undefined;
  if (ABSOLUTE_FORM.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return bad(400, "malformed absolute URL");
    }
    authority = url.host;
    target = url.pathname + url.search;
  }
  if (!target.startsWith("/")) return bad(400, "the target must start with /");
  if (target.startsWith("//")) return bad(400, "the target must not start with //");
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? "" : target.slice(q + 1);
  if (!PATH_CHARS.test(path) || !QUERY_CHARS.test(query)) {
    return bad(400, "the target holds a character a URL cannot hold");
  }
  if (BAD_PERCENT.test(target)) return bad(400, "malformed percent escape");
  if (!decodes(path)) return bad(400, "the path is not UTF-8 once percent-decoded");
  return { path, query, authority };
}

/** Whether `parseTarget`'s answer is a refusal. */
export function isBadTarget(t: Target | BadTarget): t is BadTarget {
  return "status" in t;
}

function bad(status: 400 | 414, reason: string): BadTarget {
  return { status, reason };
}

function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
