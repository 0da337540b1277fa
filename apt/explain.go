package apt

import (
	"runtime"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// ExplainOptions are the settings apt-get update would use.
type ExplainOptions struct {
	Archs []string // APT::Architectures; default: this machine's
	Langs []string // Acquire::Languages; default: en
}

// Fetch is one file apt-get update asks for.
type Fetch struct {
	URL  string    `json:"url"`
	What string    `json:"what"` // InRelease, Release, Release.gpg, Packages, Translation, Sources
	Why  i18n.Text `json:"why"`
}

// Explained is one enabled entry and what apt-get update fetches for it.
type Explained struct {
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Type       string   `json:"type"`
	URI        string   `json:"uri"`
	Suite      string   `json:"suite"`
	Components []string `json:"components"`
	Archs      []string `json:"archs"`
	// URLs are what apt fetches when the mirror has an InRelease file.
	URLs []string `json:"urls"`
	// Fallback is fetched instead of InRelease when it is missing.
	Fallback []string `json:"fallback"`
	Fetches  []Fetch  `json:"fetches"`
}

// NativeArch is this machine's architecture in dpkg's words.
func NativeArch() string {
	switch runtime.GOARCH {
	case "386":
		return "i386"
	case "arm":
		return "armhf"
	case "ppc64le":
		return "ppc64el"
	}
	return runtime.GOARCH
}

// Compression is the extension apt picks for index files when the
// Release file lists several (Debian and Ubuntu archives offer .xz).
const Compression = ".xz"

// Explain lists, for each enabled entry, the URLs apt-get update fetches
// when the mirror's Release lists the usual indexes.
func Explain(entries []Entry, opt ExplainOptions) []Explained {
	if len(opt.Archs) == 0 {
		opt.Archs = []string{NativeArch()}
	}
	if len(opt.Langs) == 0 {
		opt.Langs = []string{"en"}
	}
	var out []Explained
	for _, e := range entries {
		if !e.Enabled {
			continue
		}
		x := Explained{File: e.File, Line: e.Line, Type: e.Type, URI: e.URI, Suite: e.Suite, Components: e.Components, URLs: []string{}}
		base := e.URI
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		suite := strings.ReplaceAll(e.Suite, "$(ARCH)", opt.Archs[0])
		x.Archs = entryArchs(e, opt.Archs)
		add := func(url, what string, why i18n.Text) {
			x.URLs = append(x.URLs, url)
			x.Fetches = append(x.Fetches, Fetch{URL: url, What: what, Why: why})
		}
		var dir string
		if e.Flat() {
			dir = base + suite
		} else {
			dir = base + "dists/" + suite + "/"
		}
		add(dir+"InRelease", "InRelease", i18n.T("the signed list of every index file with its size and hash",
			"모든 인덱스 파일의 크기와 해시가 적힌, 서명된 목록"))
		x.Fallback = []string{dir + "Release", dir + "Release.gpg"}
		if e.Flat() {
			if e.Type == "deb-src" {
				add(dir+"Sources"+Compression, "Sources", i18n.T("source packages", "소스 패키지 목록"))
			} else {
				add(dir+"Packages"+Compression, "Packages", i18n.T("binary packages", "바이너리 패키지 목록"))
				for _, l := range opt.Langs {
					add(dir+l+Compression, "Translation", i18n.T("package descriptions in language "+l, "패키지 설명 ("+l+" 언어)"))
				}
			}
			out = append(out, x)
			continue
		}
		for _, c := range e.Components {
			if e.Type == "deb-src" {
				add(dir+c+"/source/Sources"+Compression, "Sources",
					i18n.T("source packages of "+c, c+"의 소스 패키지 목록"))
				continue
			}
			for _, a := range x.Archs {
				add(dir+c+"/binary-"+a+"/Packages"+Compression, "Packages",
					i18n.T("binary packages of "+c+" for "+a, c+"의 "+a+"용 바이너리 패키지 목록"))
			}
			add(dir+c+"/binary-all/Packages"+Compression, "Packages",
				i18n.T("architecture-independent packages of "+c+" (only when Release lists architecture 'all' without No-Support-for-Architecture-all)",
					c+"의 아키텍처 무관(all) 패키지 목록 (Release의 Architectures에 all이 있고 No-Support-for-Architecture-all이 없을 때만)"))
			for _, l := range opt.Langs {
				add(dir+c+"/i18n/Translation-"+l+Compression, "Translation",
					i18n.T("package descriptions in language "+l, "패키지 설명 ("+l+" 언어)"))
			}
		}
		out = append(out, x)
	}
	return out
}

// entryArchs applies the entry's arch=, arch+= and arch-= options.
func entryArchs(e Entry, def []string) []string {
	archs := def
	if v, ok := e.Options["arch"]; ok {
		archs = splitList(v)
	}
	if v, ok := e.Options["arch+"]; ok {
		for _, a := range splitList(v) {
			if !contains(archs, a) {
				archs = append(append([]string{}, archs...), a)
			}
		}
	}
	if v, ok := e.Options["arch-"]; ok {
		var keep []string
		rm := splitList(v)
		for _, a := range archs {
			if !contains(rm, a) {
				keep = append(keep, a)
			}
		}
		archs = keep
	}
	return archs
}

func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// UniqueURLs returns every URL of xs once, in order: what apt-get update
// asks the servers for (apt fetches a shared InRelease only once).
func UniqueURLs(xs []Explained) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		for _, u := range x.URLs {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// Story is the narrated apt-get update -> install flow, step by step.
var Story = []i18n.Text{
	i18n.T("apt-get update reads /etc/apt/sources.list, sources.list.d/*.list and *.sources: each entry is a type, a URI, a suite and components.",
		"apt-get update는 /etc/apt/sources.list와 sources.list.d/*.list, *.sources를 읽습니다. 항목마다 종류, URI, 배포판(suite), 컴포넌트가 있습니다."),
	i18n.T("For each URI and suite it first fetches dists/SUITE/InRelease: the Release file, signed. Old mirrors without it get Release and Release.gpg instead.",
		"URI와 배포판마다 먼저 dists/SUITE/InRelease를 받습니다. 서명이 붙은 Release 파일입니다. 이 파일이 없는 미러에서는 Release와 Release.gpg를 대신 받습니다."),
	i18n.T("It checks the signature against the key in Signed-By (or the trusted keyrings). A mirror cannot change a package without breaking this signature.",
		"서명은 Signed-By에 적힌 키(없으면 신뢰하는 키링)로 확인합니다. 그래서 미러가 패키지를 몰래 바꾸면 서명이 맞지 않게 됩니다."),
	i18n.T("Release lists every index file with its size and SHA256. apt fetches the ones it needs: Packages per component and architecture (plus binary-all), Translation-en for descriptions, Sources for deb-src, in the compression it likes best (.xz).",
		"Release에는 모든 인덱스 파일의 크기와 SHA256이 적혀 있습니다. apt는 그중 필요한 것만 받습니다. 컴포넌트와 아키텍처별 Packages(binary-all 포함), 설명을 담은 Translation-en, deb-src용 Sources를 가장 선호하는 압축 형식(.xz)으로 받습니다."),
	i18n.T("Each file's hash must match Release; the indexes land in /var/lib/apt/lists/. Nothing is installed yet.",
		"받은 파일의 해시가 Release와 맞아야 하고, 인덱스는 /var/lib/apt/lists/에 저장됩니다. 아직 아무것도 설치하지 않았습니다."),
	i18n.T("apt-get install PKG resolves dependencies from those indexes, downloads each .deb from the mirror's pool/ (the Filename: field of Packages) into /var/cache/apt/archives/, checks its SHA256 against Packages, and hands it to dpkg.",
		"apt-get install PKG는 그 인덱스로 의존성을 풀고, 각 .deb를 미러의 pool/에서(Packages의 Filename: 필드) /var/cache/apt/archives/로 받은 뒤 SHA256을 Packages와 맞춰 보고 dpkg에 넘깁니다."),
	i18n.T("So a mirror serves the same signed files as the primary archive: a nearer, fresher mirror only makes it faster.",
		"그래서 미러는 주 저장소와 똑같은 서명된 파일을 내줍니다. 가깝고 최신인 미러를 고르면 속도만 빨라집니다."),
}
