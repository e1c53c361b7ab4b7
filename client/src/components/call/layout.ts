// Tile grid geometry. Pure: unit tests run it in node.

/** Columns for `count` tiles in a box of the given aspect (width / height), so tiles stay near 16:9. */
export function gridColumns(count: number, aspect: number): number {
  if (count <= 1) return 1;
  let best = 1;
  let bestArea = 0;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    // Tile size when the box is 1 high and `aspect` wide, each tile 16:9.
    const width = Math.min(aspect / columns, (1 / rows) * (16 / 9));
    const area = width * width * (9 / 16);
    // On a tie, a landscape box prefers side by side and a portrait one prefers stacked.
    const tie = Math.abs(area - bestArea) <= 1e-9;
    if (area > bestArea + 1e-9 || (tie && aspect >= 1)) {
      bestArea = area;
      best = columns;
    }
  }
  return best;
}
