/** Most records one PutRecords call may carry (a Kinesis limit). */
export const MAX_RECORDS_PER_CALL = 500;
/** Most bytes (data plus partition keys) one PutRecords call may carry (a Kinesis limit: 5 MiB). */
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
