"""The tests, a package so that its modules have one name each from the repository root (`tests.e2e.rig`)."""
