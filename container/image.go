package container

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// An image store keeps pulled images on the host: their blobs (layers,
// configs, manifests) by digest in an OCI image layout under Dir/oci, and
// each image's root filesystem, unpacked once, under Dir/rootfs/ID (ID
// being its config's digest, as Docker's image ID). A run of an image
// mounts its overlay on that directory, as a run of --rootfs does.
type ImageStore struct {
	Dir string
}

// DefaultImageStore is the store under a cache directory ($XDG_CACHE_HOME
// or ~/.cache).
func DefaultImageStore(cacheDir string) ImageStore {
	return ImageStore{Dir: filepath.Join(cacheDir, "sysdojo", "images")}
}

// Annotations of an image in the layout's index: the reference it was
// pulled as, the digest the registry gave for it then (of a manifest or
// of an index) and the platform asked for.
const (
	refAnnotation      = "dev.sysdojo.image.ref"
	sourceAnnotation   = "dev.sysdojo.image.source"
	platformAnnotation = "dev.sysdojo.image.platform"
)

// upToDate is the report of a pull with nothing to do: ref was pulled
// from the same source digest for the same platform, and is unpacked.
func (s ImageStore) upToDate(ref, source, platform string) *PullReport {
	p, err := layout.FromPath(s.layout())
	if err != nil {
		return nil
	}
	d, err := s.find(p, ref)
	if err != nil || d.Annotations[sourceAnnotation] != source || d.Annotations[platformAnnotation] != platform {
		return nil
	}
	info, err := s.infoOf(p, *d)
	if err != nil {
		return nil
	}
	if fi, err := os.Lstat(info.Rootfs); err != nil || !fi.IsDir() {
		return nil
	}
	return &PullReport{ImageInfo: *info}
}

// Limits on what a pull downloads and unpacks: a registry or a layer may
// be hostile, and the store is on a shared disk.
type ImageLimits struct {
	Download int64 // bytes of compressed layers, all of them together
	Unpacked int64 // bytes of files an image's layers write, all of them together
	Entries  int   // tar entries, all layers together
}

// DefaultImageLimits are generous for a distribution image (Debian's is
// about 120 MB unpacked) and small against a disk.
var DefaultImageLimits = ImageLimits{Download: 4 << 30, Unpacked: 16 << 30, Entries: 2_000_000}

// PullOptions say how Pull fetches an image.
type PullOptions struct {
	Platform string // OS/ARCH[/VARIANT]; default this machine's (linux/amd64, ...)
	// Progress is told how many bytes of the layers to download are in,
	// of total, while they come (from one goroutine).
	Progress func(done, total int64)
	// Unpacking is told when the layers start being unpacked.
	Unpacking func()
	Transport http.RoundTripper // default the standard one
	Limits    ImageLimits       // zero: DefaultImageLimits
	Context   context.Context
}

// ImageInfo is one image in the store.
type ImageInfo struct {
	Ref      string    `json:"ref"`    // as stored: index.docker.io/library/debian:12
	Name     string    `json:"name"`   // as typed: debian:12
	ID       string    `json:"id"`     // the config's digest (Docker's image ID)
	Digest   string    `json:"digest"` // the manifest's digest
	Platform string    `json:"platform,omitempty"`
	Layers   int       `json:"layers"`
	Size     int64     `json:"size"` // compressed layers, as the registry sent them
	Created  time.Time `json:"created,omitzero"`
	Rootfs   string    `json:"rootfs"`
}

// PullReport is what Pull did.
type PullReport struct {
	ImageInfo
	Fetched    int   `json:"layers_fetched"`    // layers downloaded (the others were in the cache)
	Downloaded int64 `json:"bytes_downloaded"`  // bytes of them
	Unpacked   bool  `json:"unpacked"`          // the rootfs was unpacked now (else it was there)
	Skipped    int   `json:"skipped,omitempty"` // device nodes and fifos not made (a container gets its own /dev)
}

// ParseImageRef reads a Docker-style reference: debian:12, ubuntu,
// registry:5000/x/y@sha256:..., Docker Hub's library by default and the
// tag latest when none is given.
func ParseImageRef(ref string) (name.Reference, error) {
	if ref == "" || strings.ContainsAny(ref, " \t\n") {
		return nil, i18n.Invalid(i18n.T("bad image reference %q", "잘못된 이미지 이름입니다: %q").F(ref))
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, invalidErr(i18n.T("bad image reference %q (e.g. debian:12, ubuntu:24.04, registry:5000/x/y@sha256:...)",
			"잘못된 이미지 이름입니다: %q (예: debian:12, ubuntu:24.04, registry:5000/x/y@sha256:...)").F(ref), err)
	}
	return r, nil
}

// ShortRef is a reference as a Docker user types it: Docker Hub's
// registry and library/ left out.
func ShortRef(full string) string {
	s := strings.TrimPrefix(full, name.DefaultRegistry+"/")
	if s != full {
		s = strings.TrimPrefix(s, "library/")
	}
	return s
}

func (s ImageStore) layout() string { return filepath.Join(s.Dir, "oci") }
func (s ImageStore) rootfsDir(id v1.Hash) string {
	return filepath.Join(s.Dir, "rootfs", id.Hex)
}

// lock takes the store's lock (index.json is read, changed and written
// back by pull and rmi).
func (s ImageStore) lock() (func(), error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(s.Dir), err)
	}
	f, err := os.OpenFile(filepath.Join(s.Dir, "lock"), os.O_CREATE|os.O_RDWR|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot lock the image store %s", "이미지 저장소 %s를 잠글 수 없습니다").F(s.Dir), err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, i18n.Failed(i18n.T("cannot lock the image store %s", "이미지 저장소 %s를 잠글 수 없습니다").F(s.Dir), err)
	}
	return func() { f.Close() }, nil
}

func (s ImageStore) openLayout() (layout.Path, error) {
	p, err := layout.FromPath(s.layout())
	if err == nil {
		return p, nil
	}
	p, err = layout.Write(s.layout(), empty.Index)
	if err != nil {
		return "", i18n.Failed(i18n.T("cannot make the image store in %s", "%s에 이미지 저장소를 만들 수 없습니다").F(s.layout()), err)
	}
	return p, nil
}

func platformOf(s string) (*v1.Platform, error) {
	if s == "" {
		return &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}, nil
	}
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" {
		return nil, i18n.Invalid(i18n.T("bad --platform %q (use OS/ARCH, e.g. linux/amd64 or linux/arm64)",
			"잘못된 --platform입니다: %q (OS/ARCH 형식, 예: linux/amd64, linux/arm64)").F(s))
	}
	return p, nil
}

// Pull fetches ref from its registry into the store and unpacks it: layers
// already in the store (by digest) are not downloaded again, and an image
// already unpacked is not unpacked again. Layers are applied in order,
// whiteouts and opaque directories honoured, with their owners when run
// as root or by a rootless caller with subordinate ids (in their user
// namespace, see userns.go); every write goes through an os.Root at the image's directory,
// symbolic links resolved inside it, so no entry of a layer lands outside
// (see unpack.go). Errors: a bad reference or an unknown image is invalid
// input; an unreachable registry, a failed write or a layer over the
// limits is a failure.
func (s ImageStore) Pull(ref string, opt PullOptions) (*PullReport, error) {
	r, err := ParseImageRef(ref)
	if err != nil {
		return nil, err
	}
	plat, err := platformOf(opt.Platform)
	if err != nil {
		return nil, err
	}
	lim := opt.Limits
	if lim == (ImageLimits{}) {
		lim = DefaultImageLimits
	}
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	ropts := []remote.Option{remote.WithPlatform(*plat), remote.WithContext(ctx)}
	if opt.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opt.Transport))
	}
	// What the reference names now (a manifest, or an index of them):
	// when the store has it, unpacked, for this platform, the pull is
	// done without another request.
	head, err := remote.Head(r, ropts...)
	if err != nil {
		return nil, remoteErr(r, err)
	}
	if rep := s.upToDate(r.Name(), head.Digest.String(), plat.String()); rep != nil {
		return rep, nil
	}
	img, err := remote.Image(r, ropts...)
	if err != nil {
		return nil, remoteErr(r, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, remoteErr(r, err)
	}
	if cf.Architecture != "" && cf.Architecture != plat.Architecture || cf.OS != "" && cf.OS != plat.OS {
		return nil, i18n.Invalid(i18n.T("%s is an image for %s/%s, not %s (choose another with --platform)",
			"%s는 %s/%s용 이미지이고 %s용이 아닙니다 (--platform으로 다른 것을 고르세요)").F(ref, cf.OS, cf.Architecture, plat.String()))
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, remoteErr(r, err)
	}
	var total int64
	for _, l := range m.Layers {
		if l.Size < 0 || l.Size > lim.Download || total+l.Size > lim.Download {
			return nil, i18n.Failed(i18n.T("%s's layers are bigger than the %d bytes a pull may download",
				"%s의 층이 한 번에 받을 수 있는 %d 바이트보다 큽니다").F(ref, lim.Download), nil)
		}
		total += l.Size
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	s.removeStale()
	p, err := s.openLayout()
	if err != nil {
		return nil, err
	}
	rep := &PullReport{}
	// The layers the store lacks come first, each to a temporary file
	// that becomes its blob once its digest is checked.
	var missing int64
	for _, l := range m.Layers {
		if !hasBlob(p, l) {
			missing += l.Size
		}
	}
	var done int64
	progress := func(n int64) {
		done += n
		if opt.Progress != nil {
			opt.Progress(done, missing)
		}
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, remoteErr(r, err)
	}
	for i, l := range layers {
		if hasBlob(p, m.Layers[i]) {
			continue
		}
		n, err := fetchBlob(p, l, m.Layers[i], progress)
		if err != nil {
			return nil, remoteErr(r, err)
		}
		rep.Fetched++
		rep.Downloaded += n
	}
	full := r.Name()
	var before *ImageInfo
	if d, err := s.find(p, full); err == nil {
		before, _ = s.infoOf(p, *d)
	}
	if err := p.ReplaceImage(img, match.Annotation(refAnnotation, full),
		layout.WithAnnotations(map[string]string{refAnnotation: full, sourceAnnotation: head.Digest.String(), platformAnnotation: plat.String()})); err != nil {
		return nil, i18n.Failed(i18n.T("cannot store %s in %s", "%s를 %s에 저장할 수 없습니다").F(ref, s.layout()), err)
	}
	id, err := img.ConfigName()
	if err != nil {
		return nil, remoteErr(r, err)
	}
	dir := s.rootfsDir(id)
	if _, err := os.Lstat(dir); err != nil {
		local, err := p.Image(mustDigest(img))
		if err != nil {
			return nil, i18n.Failed(i18n.T("cannot read %s back from %s", "%s를 %s에서 다시 읽을 수 없습니다").F(ref, s.layout()), err)
		}
		if opt.Unpacking != nil {
			opt.Unpacking()
		}
		skipped, err := unpackImage(s.layout(), local, dir, lim)
		if err != nil {
			return nil, err
		}
		rep.Unpacked, rep.Skipped = true, skipped
	}
	info, err := s.info(p, full)
	if err != nil {
		return nil, err
	}
	rep.ImageInfo = *info
	if before != nil && before.ID != info.ID {
		// The tag moved: what only the old image used goes.
		s.sweep(p, before, "")
	}
	return rep, nil
}

// removeStale removes what a pull that was killed left: a half-unpacked
// root, a half-downloaded layer. (Called with the lock held: no other
// pull is at work.)
func (s ImageStore) removeStale() {
	for _, pat := range []string{filepath.Join(s.Dir, "rootfs", ".unpack-*"), filepath.Join(s.layout(), "blobs", "sha256", ".fetch-*")} {
		stale, _ := filepath.Glob(pat)
		for _, p := range stale {
			removeTree(p)
		}
	}
}

// sweep removes the blobs no image of the store uses, and old's unpacked
// root when no image of the store is old's any more and no container of
// stateRoot (DefaultStateRoot when "") runs on it. It reports whether the
// root is gone.
func (s ImageStore) sweep(p layout.Path, old *ImageInfo, stateRoot string) bool {
	if garbage, err := p.GarbageCollect(); err == nil {
		for _, h := range garbage {
			p.RemoveBlob(h)
		}
	}
	if all, err := s.Images(); err != nil {
		return false
	} else {
		for _, o := range all {
			if o.ID == old.ID {
				return false
			}
		}
	}
	if stateRoot == "" {
		stateRoot = defaultStateRoot()
	}
	states, _ := List(stateRoot)
	for _, st := range states {
		if sameDir(st.Rootfs, old.Rootfs) && (st.alive() || st.Keep || st.Detached) {
			return false
		}
	}
	return removeTree(old.Rootfs) == nil
}

func mustDigest(img v1.Image) v1.Hash {
	d, _ := img.Digest()
	return d
}

func hasBlob(p layout.Path, d v1.Descriptor) bool {
	fi, err := os.Lstat(filepath.Join(string(p), "blobs", d.Digest.Algorithm, d.Digest.Hex))
	return err == nil && fi.Mode().IsRegular() && fi.Size() == d.Size
}

// fetchBlob downloads one layer into the layout: to a temporary file, at
// most its declared size, its digest checked before it takes its name.
func fetchBlob(p layout.Path, l v1.Layer, d v1.Descriptor, progress func(int64)) (int64, error) {
	if d.Digest.Algorithm != "sha256" {
		return 0, fmt.Errorf("layer %s: unsupported digest algorithm", d.Digest)
	}
	dir := filepath.Join(string(p), "blobs", d.Digest.Algorithm)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(dir, ".fetch-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h, progressWriter(progress)), io.LimitReader(rc, d.Size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if n != d.Size {
		return n, fmt.Errorf("layer %s: %d bytes where the manifest says %d", d.Digest, n, d.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != d.Digest.Hex {
		return n, fmt.Errorf("layer %s: the bytes received have the digest sha256:%s", d.Digest, got)
	}
	return n, os.Rename(tmp.Name(), filepath.Join(dir, d.Digest.Hex))
}

type progressWriter func(int64)

func (f progressWriter) Write(b []byte) (int, error) {
	f(int64(len(b)))
	return len(b), nil
}

// remoteErr says in one line what failed against a registry, and the
// offline way.
func remoteErr(r name.Reference, err error) error {
	var le *i18n.Error
	if errors.As(err, &le) {
		return err
	}
	offline := i18n.T("without a registry: 'sysdojo container rootfs import' of a docker save or OCI tarball, or 'container rootfs debian' from a local 'apt serve'",
		"레지스트리 없이 하려면: docker save나 OCI tar를 'sysdojo container rootfs import'로 가져오거나, 로컬 'apt serve'에서 'container rootfs debian'으로 만드세요")
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusNotFound:
			return invalidErr(i18n.T("unknown image %s: %s has no such repository or tag", "모르는 이미지입니다: %s (%s에 그런 저장소나 태그가 없습니다)").F(r.String(), r.Context().RegistryStr()), err)
		case http.StatusUnauthorized, http.StatusForbidden:
			return invalidErr(i18n.T("unknown image %s: %s refused it (no such image, or it is private)",
				"모르는 이미지입니다: %s (%s가 거부했습니다: 없는 이미지이거나 비공개입니다)").F(r.String(), r.Context().RegistryStr()), err)
		}
		for _, d := range te.Errors {
			switch d.Code {
			case transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode:
				return invalidErr(i18n.T("unknown image %s: %s has no such repository or tag", "모르는 이미지입니다: %s (%s에 그런 저장소나 태그가 없습니다)").F(r.String(), r.Context().RegistryStr()), err)
			}
		}
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		e := i18n.Failed(i18n.T("cannot reach the registry %s", "레지스트리 %s에 접속할 수 없습니다").F(r.Context().RegistryStr()), err)
		return e.WithHint(offline)
	}
	e := i18n.Failed(i18n.T("pulling %s failed", "%s를 받지 못했습니다").F(r.String()), err)
	return e.WithHint(offline)
}

// Images lists the store's images, by reference.
func (s ImageStore) Images() ([]ImageInfo, error) {
	p, err := layout.FromPath(s.layout())
	if err != nil {
		return nil, nil // no store yet: no images
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the image store %s", "이미지 저장소 %s를 읽을 수 없습니다").F(s.layout()), err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the image store %s", "이미지 저장소 %s를 읽을 수 없습니다").F(s.layout()), err)
	}
	var out []ImageInfo
	for _, d := range im.Manifests {
		ref := d.Annotations[refAnnotation]
		if ref == "" {
			continue
		}
		if info, err := s.infoOf(p, d); err == nil {
			out = append(out, *info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}

func (s ImageStore) info(p layout.Path, ref string) (*ImageInfo, error) {
	d, err := s.find(p, ref)
	if err != nil {
		return nil, err
	}
	return s.infoOf(p, *d)
}

func (s ImageStore) infoOf(p layout.Path, d v1.Descriptor) (*ImageInfo, error) {
	info, _, err := s.infoConfig(p, d)
	return info, err
}

// infoConfig is infoOf and the image's config.
func (s ImageStore) infoConfig(p layout.Path, d v1.Descriptor) (*ImageInfo, *v1.ConfigFile, error) {
	img, err := p.Image(d.Digest)
	if err != nil {
		return nil, nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, nil, err
	}
	ref := d.Annotations[refAnnotation]
	info := &ImageInfo{Ref: ref, Name: ShortRef(ref), ID: m.Config.Digest.String(), Digest: d.Digest.String(),
		Layers: len(m.Layers), Created: cf.Created.Time, Rootfs: s.rootfsDir(m.Config.Digest)}
	if cf.OS != "" {
		info.Platform = cf.OS + "/" + cf.Architecture
		if cf.Variant != "" {
			info.Platform += "/" + cf.Variant
		}
	}
	for _, l := range m.Layers {
		info.Size += l.Size
	}
	return info, cf, nil
}

func (s ImageStore) find(p layout.Path, ref string) (*v1.Descriptor, error) {
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range im.Manifests {
		if d.Annotations[refAnnotation] == ref {
			return &d, nil
		}
	}
	return nil, errNoImage
}

var errNoImage = errors.New("no such image")

// Image is a pulled image as a run uses it.
type Image struct {
	ImageInfo
	Config v1.Config // the image's Env, Cmd, Entrypoint, WorkingDir, User
}

// Lookup finds a pulled image by its reference (debian:12 finds
// index.docker.io/library/debian:12). ok is false when ref is no image in
// the store; err is for a store that cannot be read.
func (s ImageStore) Lookup(ref string) (img *Image, ok bool, err error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, false, nil
	}
	p, err := layout.FromPath(s.layout())
	if err != nil {
		return nil, false, nil
	}
	d, err := s.find(p, r.Name())
	if errors.Is(err, errNoImage) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, i18n.Failed(i18n.T("cannot read the image store %s", "이미지 저장소 %s를 읽을 수 없습니다").F(s.layout()), err)
	}
	info, cf, err := s.infoConfig(p, *d)
	if err != nil {
		return nil, false, i18n.Failed(i18n.T("cannot read the image %s", "이미지 %s를 읽을 수 없습니다").F(ref), err)
	}
	if fi, err := os.Lstat(info.Rootfs); err != nil || !fi.IsDir() {
		return nil, false, i18n.Failed(i18n.T("the image %s is in the store but not unpacked: pull it again", "이미지 %s가 저장소에 있지만 풀려 있지 않습니다: 다시 pull 하세요").F(ref), err)
	}
	return &Image{ImageInfo: *info, Config: cf.Config}, true, nil
}

// RemoveImage removes ref from the store: its entry, the blobs no other
// image uses and its unpacked root, unless another reference names the
// same image. A container of the store's state root still running on the
// image keeps it (an error: stop it first).
func (s ImageStore) RemoveImage(ref, stateRoot string) (*ImageInfo, error) {
	r, err := ParseImageRef(ref)
	if err != nil {
		return nil, err
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := layout.FromPath(s.layout())
	if err != nil {
		return nil, i18n.Invalid(i18n.T("no image %s (see 'sysdojo container images')", "이미지 %s가 없습니다 ('sysdojo container images'로 확인하세요)").F(ref))
	}
	info, err := s.info(p, r.Name())
	if errors.Is(err, errNoImage) {
		return nil, i18n.Invalid(i18n.T("no image %s (see 'sysdojo container images')", "이미지 %s가 없습니다 ('sysdojo container images'로 확인하세요)").F(ref))
	}
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the image store %s", "이미지 저장소 %s를 읽을 수 없습니다").F(s.layout()), err)
	}
	shared := false
	if all, err := s.Images(); err == nil {
		for _, o := range all {
			if o.Ref != info.Ref && o.ID == info.ID {
				shared = true
			}
		}
	}
	if !shared {
		if states, _ := List(stateRoot); len(states) > 0 {
			for _, st := range states {
				if sameDir(st.Rootfs, info.Rootfs) && (st.alive() || st.Keep || st.Detached) {
					return nil, i18n.Invalid(i18n.T("the container %s uses the image %s: remove it first ('sysdojo container rm %s')",
						"컨테이너 %s가 이미지 %s를 쓰고 있습니다: 먼저 지우세요 ('sysdojo container rm %s')").F(st.Name, ref, st.Name))
				}
			}
		}
	}
	if err := p.RemoveDescriptors(match.Annotation(refAnnotation, info.Ref)); err != nil {
		return nil, i18n.Failed(i18n.T("cannot remove %s from the image store", "이미지 저장소에서 %s를 지울 수 없습니다").F(ref), err)
	}
	// (GarbageCollect lists the blobs no image of the index uses.)
	if garbage, err := p.GarbageCollect(); err == nil {
		for _, h := range garbage {
			p.RemoveBlob(h)
		}
	}
	if !shared {
		if err := removeTree(info.Rootfs); err != nil {
			return nil, i18n.Failed(i18n.T("cannot remove %s", "%s를 지울 수 없습니다").F(info.Rootfs), err)
		}
	}
	return info, nil
}

// removeTreeHere removes an unpacked root in this process: first made
// writable where an image left a directory without write permission (root
// can remove it anyway; a rootless user could not).
func removeTreeHere(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	if a == b {
		return true
	}
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

// ImageOf returns the stored image whose unpacked root is dir (what a
// container run from it has as its rootfs).
func (s ImageStore) ImageOf(dir string) (v1.Image, *ImageInfo, bool) {
	p, err := layout.FromPath(s.layout())
	if err != nil {
		return nil, nil, false
	}
	all, err := s.Images()
	if err != nil {
		return nil, nil, false
	}
	for _, im := range all {
		if sameDir(im.Rootfs, dir) {
			h, err := v1.NewHash(im.Digest)
			if err != nil {
				return nil, nil, false
			}
			img, err := p.Image(h)
			if err != nil {
				return nil, nil, false
			}
			return img, &im, true
		}
	}
	return nil, nil, false
}
