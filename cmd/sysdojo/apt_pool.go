package main

import (
	"fmt"
	"os"

	"github.com/sysdojo/sysdojo/apt/serve"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

// apt serve --pool: the .debs of a directory served for real.

// aptOpenPool scans dir ("" for no pool) and warns, on stderr, of every
// file it will not serve.
func (e *env) aptOpenPool(dir string) (*serve.Pool, error) {
	if dir == "" {
		return nil, nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, usagef(helpHint("sysdojo apt serve"), i18n.T("--pool %s is not a directory", "--pool %s는 디렉터리가 아닙니다"), dir)
	}
	pool, err := serve.OpenPool(dir)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the pool %s", "풀 %s를 읽을 수 없습니다").F(dir), err)
	}
	for _, s := range pool.Skipped {
		fmt.Fprintf(e.io.Err, "%s\n", e.t("warning: "+s.File+" is not served: "+s.Why.En,
			"경고: "+s.File+" 파일은 제공하지 않습니다: "+s.Why.Ko))
	}
	return pool, nil
}

// aptPoolSummary says what packages the mirrors serve for real.
func (e *env) aptPoolSummary(pool *serve.Pool) {
	io := e.io
	fmt.Fprintf(io.Out, "%s\n", e.t(
		"Real packages in every suite's main: the demo "+serve.DemoPackage+" (try: apt-get install "+serve.DemoPackage+")",
		"모든 suite의 main에 진짜 패키지가 있습니다: 데모 패키지 "+serve.DemoPackage+" (해 보기: apt-get install "+serve.DemoPackage+")"))
	if pool == nil {
		return
	}
	fmt.Fprintf(io.Out, "%s\n", e.t(
		fmt.Sprintf("  and %d from the pool %s (%d skipped)", len(pool.Debs), pool.Dir, len(pool.Skipped)),
		fmt.Sprintf("  그리고 풀 %s에서 온 패키지 %d개 (건너뜀 %d개)", pool.Dir, len(pool.Debs), len(pool.Skipped))))
}
