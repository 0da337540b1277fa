//go:build race

package packaging_test

// raceEnabled: this test binary was built with -race.
const raceEnabled = true
