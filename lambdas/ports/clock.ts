/** Where time comes from: the wall clock in AWS, a virtual clock offline and in tests. */
export interface Clock {
  now(): Date;
}
