/**
 * `dendrite`: the whole toolkit under one import, as the seed posts use it.
 *
 * @example
 * import { nx, nn, data, learn, plot, live } from "dendrite";
 */
export * as nx from "@dendrite/tensor";
export * as nn from "@dendrite/nn";
export * as data from "@dendrite/data";
export * as learn from "@dendrite/learn";
export * as plot from "@dendrite/plot";
export * as live from "@dendrite/live";
