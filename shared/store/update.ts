/** `SET #f0 = :v0, …` for the given fields (undefined ones left out), with its names and values. */
export function setFields(fields: Record<string, unknown>) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([field, value], index) => {
      names[`#f${index}`] = field;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
  return { expression: `SET ${assignments.join(', ')}`, names, values };
}
