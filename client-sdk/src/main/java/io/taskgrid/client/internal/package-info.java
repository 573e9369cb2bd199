/**
 * The client's machinery: wire conversion, error mapping, retries, the shared result stream and
 * the coordinator name resolver. Not public API; it may change in any release.
 */
package io.taskgrid.client.internal;
