// Where an element of a tensor is, for error messages: [row, column] reads
// better than a flat offset.
export function elementIndex(shape: readonly number[], flat: number): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index.unshift(flat % shape[axis]!);
    flat = Math.floor(flat / shape[axis]!);
  }
  return `[${index.join(",")}]`;
}
