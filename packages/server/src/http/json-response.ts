/**
 * Serializes a response message as MLflow's protobuf-JSON does: non-finite doubles become the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"`, and empty repeated fields are omitted (spec §1.3).
 *
 * @example
 * toProtoJson({ runs: [], value: NaN }); // '{"value":"NaN"}'
 */
export function toProtoJson(message: unknown): string {
  return JSON.stringify(message, function (this: unknown, _key: string, value: unknown) {
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    if (Array.isArray(value) && value.length === 0 && !Array.isArray(this) && _key !== '') return undefined;
    return value;
  });
}

/**
 * A response body that is already JSON text (e.g. stored span documents spliced into a reply), written
 * as is instead of being parsed and serialized again.
 *
 * @example
 * return new RawJson(`{"spans":[${contents.join(',')}]}`);
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A response body produced piece by piece (a whole trace's spans), streamed as it is read so the
 * server never holds it whole. Errors found before the first piece still become `{error_code, message}`
 * responses; the producer checks what can fail up front.
 *
 * @example
 * return new StreamedJson(async function* () { yield '{"spans":['; ... yield ']}'; }());
 */
export class StreamedJson {
  constructor(readonly pieces: AsyncIterable<string>) {}
}
