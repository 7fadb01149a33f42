/**
 * 加载更多: the rows already shown, then those of the next page that are not among them (a row can
 * move from one page to the next while the reader pages, e.g. a case whose status changed).
 */
export function appendNew<Row>(
  shown: readonly Row[],
  next: readonly Row[],
  idOf: (row: Row) => string,
): Row[] {
  const seen = new Set(shown.map(idOf));
  return [...shown, ...next.filter((row) => !seen.has(idOf(row)))];
}
