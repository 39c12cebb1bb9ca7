/** Row types of the lodging tables of the inventory schema. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LodgingTables {}
