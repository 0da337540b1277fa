//go:build !race

package apt

const raceBuild = false
