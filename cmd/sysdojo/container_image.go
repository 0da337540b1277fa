package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// addImageCommands adds the image commands (pull, images, rmi, diff) to
// the container group, and debian and ubuntu to its rootfs group.
func (e *env) addImageCommands(cmd *cli.Command) {
	cmd.Subcommands = append(cmd.Subcommands,
		&cli.Command{
			Name:      "pull",
			Usage:     e.t("download an image (Docker Hub by default), unpack it once", "이미지를 받아(기본값 Docker Hub) 한 번 풀어 둠"),
			ArgsUsage: "IMAGE",
			Description: e.t("IMAGE as docker pull takes it: debian:12, ubuntu:24.04, host:5000/x/y@sha256:...\nLayers are kept by digest in your cache: a second pull downloads nothing new.\nThen: 'sysdojo container run IMAGE -- CMD'.",
				"IMAGE는 docker pull처럼 씁니다: debian:12, ubuntu:24.04, host:5000/x/y@sha256:...\n층은 다이제스트별로 캐시에 남으므로 다시 pull 하면\n새로 받을 것이 없습니다. 그다음: 'sysdojo container run IMAGE -- CMD'."),
			Flags: []cli.Flag{jsonFlag,
				&cli.StringFlag{Name: "platform", Usage: e.t("OS/ARCH, e.g. linux/arm64 (default: this machine's)", "OS/ARCH, 예: linux/arm64 (기본값: 이 머신)")},
				&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: e.t("no progress bar", "진행 막대를 보이지 않음")}},
			Action: e.containerPull,
		},
		&cli.Command{
			Name:   "images",
			Usage:  e.t("list the pulled images", "받아 둔 이미지 목록"),
			Flags:  []cli.Flag{jsonFlag},
			Action: e.containerImages,
		},
		&cli.Command{
			Name:      "rmi",
			Usage:     e.t("remove pulled images and the layers only they use", "받아 둔 이미지와, 그것만 쓰던 층을 지움"),
			ArgsUsage: "IMAGE...",
			Action:    e.containerRmi,
		},
		&cli.Command{
			Name:      "diff",
			Usage:     e.t("what a container changed: A added, C changed, D deleted", "컨테이너가 바꾼 것: A 추가, C 변경, D 삭제"),
			ArgsUsage: "NAME",
			Flags:     []cli.Flag{jsonFlag},
			Action:    e.containerDiff,
		},
		&cli.Command{
			Name:      "commit",
			Usage:     e.t("save a container's changes as a rootfs or an OCI layout", "컨테이너가 바꾼 것을 rootfs나 OCI 레이아웃으로 저장"),
			ArgsUsage: "NAME DIR|oci:DIR",
			Description: e.t("DIR: a new rootfs. oci:DIR: an OCI image layout with the image's layers and\none more with the changes (deletions as whiteouts), which\n'sysdojo container rootfs import DIR' reads.",
				"DIR: 새 rootfs. oci:DIR: 이미지의 층에 바뀐 내용을 담은 층 하나를\n더한 OCI 이미지 레이아웃 (지운 것은 whiteout으로).\n'sysdojo container rootfs import DIR'로 읽을 수 있습니다."),
			Flags:  []cli.Flag{jsonFlag},
			Action: e.containerCommit,
		},
	)
	for _, c := range cmd.Subcommands {
		if c.Name == "rootfs" {
			c.Subcommands = append(c.Subcommands, e.distroRootfsCommands()...)
		}
	}
}

// cacheDir is $XDG_CACHE_HOME, or ~/.cache.
func (e *env) cacheDir() string {
	if c := e.getenv("XDG_CACHE_HOME"); c != "" {
		return c
	}
	home := e.getenv("HOME")
	if home == "" {
		home = "/root"
	}
	return filepath.Join(home, ".cache")
}

func (e *env) imageStore() container.ImageStore { return container.DefaultImageStore(e.cacheDir()) }

func (e *env) containerPull(c *cli.Context) error {
	a, err := args(c, 1, 1, "IMAGE")
	if err != nil {
		return err
	}
	opt := container.PullOptions{Platform: c.String("platform")}
	bar := &term.Progress{W: e.io.Err, Label: e.t("downloading", "받는 중")}
	unpacking := false
	if e.io.ErrTTY && !c.Bool("quiet") && !c.Bool("json") {
		opt.Progress = bar.Set
		opt.Unpacking = func() {
			bar.Done()
			fmt.Fprint(e.io.Err, e.t("unpacking the layers...", "층을 푸는 중..."))
			unpacking = true
		}
	}
	rep, err := e.imageStore().Pull(a[0], opt)
	bar.Done()
	if unpacking {
		fmt.Fprint(e.io.Err, "\r\033[K")
	}
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	io := e.io
	if rep.Fetched == 0 && !rep.Unpacked {
		fmt.Fprintf(io.Out, "%s %s\n", io.Mark(true), i18n.T("%s is up to date (%s, in the cache)", "%s는 최신입니다 (%s, 캐시에 있음)").F(rep.Name, rep.Platform).In(io.Lang))
	} else {
		fmt.Fprintf(io.Out, "%s %s\n", io.Mark(true), i18n.T("pulled %s (%s): %d of %d layers downloaded, %s",
			"%s를 받았습니다 (%s): 층 %d/%d개를 새로 받음, %s").F(rep.Name, rep.Platform, rep.Fetched, rep.Layers, size(rep.Downloaded)).In(io.Lang))
	}
	fmt.Fprintf(io.Out, "  %s %s\n", e.t("id    ", "ID    "), rep.ID)
	fmt.Fprintf(io.Out, "  %s %s\n", e.t("rootfs", "rootfs"), rep.Rootfs)
	if rep.Skipped > 0 {
		fmt.Fprintf(io.Out, "  %s\n", i18n.T("%d device nodes or fifos not made (a container gets its own /dev)",
			"장치 파일이나 FIFO %d개는 만들지 않았습니다 (컨테이너는 자기 /dev를 받습니다)").F(rep.Skipped).In(io.Lang))
	}
	fmt.Fprintf(io.Out, "  %s\n", i18n.T("run it: sysdojo container run %s -- CMD", "실행: sysdojo container run %s -- CMD").F(rep.Name).In(io.Lang))
	return nil
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func (e *env) containerImages(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	imgs, err := e.imageStore().Images()
	if err != nil {
		return err
	}
	if c.Bool("json") {
		if imgs == nil {
			imgs = []container.ImageInfo{}
		}
		return e.writeJSON(imgs)
	}
	if len(imgs) == 0 {
		fmt.Fprintln(e.io.Out, e.t("no images: pull one with 'sysdojo container pull debian:12'", "이미지가 없습니다: 'sysdojo container pull debian:12'로 받으세요"))
		return nil
	}
	rows := [][]string{strings.Split(e.t("IMAGE ID PLATFORM LAYERS SIZE", "이미지 ID 플랫폼 층 크기"), " ")}
	for _, im := range imgs {
		id := strings.TrimPrefix(im.ID, "sha256:")
		if len(id) > 12 {
			id = id[:12]
		}
		rows = append(rows, []string{im.Name, id, im.Platform, fmt.Sprint(im.Layers), size(im.Size)})
	}
	// (aligned by display width: a Korean heading is two columns a letter)
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], term.Width(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-term.Width(c)+2))
			}
		}
		fmt.Fprintln(e.io.Out, b.String())
	}
	return nil
}

func (e *env) containerRmi(c *cli.Context) error {
	a, err := args(c, 1, -1, "IMAGE...")
	if err != nil {
		return err
	}
	s := e.imageStore()
	for _, ref := range a {
		info, err := s.RemoveImage(ref, "")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), i18n.T("removed %s (%s)", "%s를 지웠습니다 (%s)").F(info.Name, info.ID).In(e.io.Lang))
	}
	return nil
}

// runImage reads `container run IMAGE [--] [CMD...]`: when the first
// argument names a pulled image (and --rootfs is not given), the run gets
// the image's unpacked root and its config (environment, working
// directory, user, and its command when none is given). It returns the
// rootfs to use ("" for the default).
func (e *env) runImage(c *cli.Context, cfg *container.Config, rootfs string) (string, error) {
	if c.IsSet("rootfs") || len(cfg.Args) == 0 {
		return rootfs, nil
	}
	// With --entrypoint (docker run's), the command line may already be
	// ENTRYPOINT IMAGE [ARG...]: the image is the second word then.
	ep, at := c.String("entrypoint"), 0
	if ep != "" && len(cfg.Args) > 1 && cfg.Args[0] == ep {
		at = 1
	}
	ref := cfg.Args[at]
	img, ok, err := e.imageStore().Lookup(ref)
	if err != nil {
		return "", err
	}
	if !ok {
		if looksLikeImage(ref) {
			return "", i18n.Invalid(i18n.T("no image %s here: pull it first ('sysdojo container pull %s')",
				"여기에 이미지 %s가 없습니다: 먼저 받으세요 ('sysdojo container pull %s')").F(ref, ref))
		}
		return rootfs, nil
	}
	args := cfg.Args[at+1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	ic := img.Config
	switch {
	case ep != "":
		// As docker run --entrypoint: the image's ENTRYPOINT and CMD
		// both give way.
		args = append([]string{ep}, args...)
	case len(args) == 0:
		args = slices.Concat(ic.Entrypoint, ic.Cmd)
	case len(ic.Entrypoint) > 0:
		args = slices.Concat(ic.Entrypoint, args)
	}
	if len(args) == 0 {
		return "", usagef(helpHint("sysdojo container run"), i18n.T("the image %s names no command: say what to run, e.g. 'container run %s -- /bin/sh'",
			"이미지 %s에 정해진 명령이 없습니다: 예를 들어 'container run %s -- /bin/sh'처럼 쓰세요").F(ref, ref))
	}
	cfg.Args = args
	cfg.Image = img.Name
	cfg.Env = slices.Concat(ic.Env, cfg.Env)
	if cfg.Dir == "" {
		cfg.Dir = ic.WorkingDir
	}
	if cfg.User == "" {
		cfg.User = ic.User
	}
	return img.Rootfs, nil
}

// looksLikeImage tells an image reference that was never pulled
// (debian:12, ubuntu@sha256:..., registry:5000/x) from a command.
func looksLikeImage(s string) bool {
	if strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || !strings.ContainsAny(s, ":@") {
		return false
	}
	_, err := container.ParseImageRef(s)
	return err == nil
}

func (e *env) containerDiff(c *cli.Context) error {
	a, err := args(c, 1, 1, "NAME")
	if err != nil {
		return err
	}
	changes, err := container.Diff("", a[0])
	if err != nil {
		return err
	}
	if c.Bool("json") {
		if changes == nil {
			changes = []container.Change{}
		}
		return e.writeJSON(changes)
	}
	for _, ch := range changes {
		fmt.Fprintf(e.io.Out, "%s %s\n", ch.Kind, quotePath(ch.Path))
	}
	return nil
}

func (e *env) containerCommit(c *cli.Context) error {
	a, err := args(c, 2, 2, "NAME DIR|oci:DIR")
	if err != nil {
		return err
	}
	opt := container.CommitOptions{Out: a[1]}
	if out, ok := strings.CutPrefix(a[1], "oci:"); ok {
		opt.Out, opt.OCI = out, true
	}
	if opt.Out == "" {
		return usagef(helpHint("sysdojo container commit"), i18n.T("usage: %s %s", "사용법: %s %s"), "sysdojo container commit", "NAME DIR|oci:DIR")
	}
	in, err := container.Find("", a[0])
	if err != nil {
		return err
	}
	if opt.OCI {
		if img, _, ok := e.imageStore().ImageOf(in.Rootfs); ok {
			opt.Base = img
		}
		opt.Ref = in.Name
	}
	rep, err := container.Commit("", a[0], opt)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	if opt.OCI {
		fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), i18n.T("committed %s into the OCI image layout %s: %d changes in the last of %d layers",
			"%s를 OCI 이미지 레이아웃 %s에 저장했습니다: 바뀐 것 %d개가 층 %d개 중 마지막 층에").F(in.Name, rep.Out, rep.Changes, rep.Layers).In(e.io.Lang))
	} else {
		fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), i18n.T("committed %s into the rootfs %s: %d changes applied",
			"%s를 rootfs %s에 저장했습니다: 바뀐 것 %d개를 반영").F(in.Name, rep.Out, rep.Changes).In(e.io.Lang))
	}
	return nil
}
