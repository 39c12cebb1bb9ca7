/** Row types of the dining tables of the inventory schema. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DiningTables {}
