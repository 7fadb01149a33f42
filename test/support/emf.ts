/**
 * Reads captured log lines as CloudWatch Logs reads them for Embedded Metric Format: a line is a
 * metric record when it is a JSON object with `_aws.CloudWatchMetrics`. A record of the metric asked
 * for must also be one CloudWatch would accept (numeric value at the root, string dimension values),
 * or this throws naming the line.
 */

export interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string }[];
}

export interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: EmfDirective[] };
  [member: string]: unknown;
}

export function emfRecords(
  lines: readonly string[],
  metric: { namespace: string; name: string },
): EmfRecord[] {
  const found: EmfRecord[] = [];
  for (const line of lines) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const record = parsed as Partial<EmfRecord>;
    const directives = record._aws?.CloudWatchMetrics;
    if (!Array.isArray(directives)) continue;
    const directive = directives.find(
      (d) => d.Namespace === metric.namespace && d.Metrics.some((m) => m.Name === metric.name),
    );
    if (!directive) continue;
    const problems: string[] = [];
    if (typeof record._aws?.Timestamp !== "number") problems.push("_aws.Timestamp is not a number");
    if (typeof record[metric.name] !== "number") problems.push(`${metric.name} is not a number`);
    for (const key of directive.Dimensions.flat()) {
      if (typeof record[key] !== "string") problems.push(`dimension ${key} is not a string`);
    }
    if (problems.length > 0) throw new Error(`not a valid EMF record (${problems.join("; ")}): ${line}`);
    found.push(record as EmfRecord);
  }
  return found;
}
