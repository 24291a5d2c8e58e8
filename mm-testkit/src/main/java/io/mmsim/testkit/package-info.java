/**
 * Contract test suites (abstract JUnit 5 classes with one factory method each) and a seeded,
 * shrinking, stateful random-test harness, for the implementations in this repository and for
 * anyone who writes another.
 */
package io.mmsim.testkit;
