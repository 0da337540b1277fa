//go:build race

package apt

const raceBuild = true
