/** `?filter=` for a filter expression, percent-encoded the way fetch clients send it. */
export const filterQuery = (filter: string) => `filter=${encodeURIComponent(filter)}`;
