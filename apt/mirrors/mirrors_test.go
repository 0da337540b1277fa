package mirrors

import (
	"fmt"
	"testing"
)

func ExampleCatalogue_Lookup() {
	for _, m := range Default().Lookup("kakao") {
		fmt.Println(m.Distro, m.URL)
	}
	// Output:
	// ubuntu http://mirror.kakao.com/ubuntu/
	// debian http://mirror.kakao.com/debian/
}

func TestClassify(t *testing.T) {
	c := Default()
	tests := []struct {
		uri  string
		want Class
	}{
		{"http://archive.ubuntu.com/ubuntu/", Class{Kind: Archive, Distro: "ubuntu"}},
		{"https://kr.archive.ubuntu.com/ubuntu", Class{Kind: Archive, Distro: "ubuntu"}},
		{"http://nova.clouds.archive.ubuntu.com/ubuntu/", Class{Kind: Archive, Distro: "ubuntu"}},
		{"http://ports.ubuntu.com/ubuntu-ports/", Class{Kind: Ports, Distro: "ubuntu"}},
		{"http://ftp.kaist.ac.kr/ubuntu-ports", Class{Kind: Ports, Distro: "ubuntu"}},
		{"http://security.ubuntu.com/ubuntu", Class{Kind: Security, Distro: "ubuntu"}},
		{"http://deb.debian.org/debian", Class{Kind: Archive, Distro: "debian"}},
		{"http://ftp.kr.debian.org/debian/", Class{Kind: Archive, Distro: "debian"}},
		{"http://deb.debian.org/debian-security", Class{Kind: Security, Distro: "debian"}},
		{"http://security.debian.org/debian-security", Class{Kind: Security, Distro: "debian"}},
		{"http://mirror.kakao.com/ubuntu/", Class{Kind: Archive, Distro: "ubuntu"}},
		{"http://MIRROR.KAKAO.COM/ubuntu", Class{Kind: Archive, Distro: "ubuntu"}},
		{"http://ftp.daumkakao.com/ubuntu/", Class{Kind: Archive, Distro: "ubuntu"}},
		{"https://mirror.truenetwork.ru/ubuntu", Class{Kind: Archive, Distro: "ubuntu"}},
		{"http://archive.canonical.com/ubuntu", Class{Kind: ThirdParty}},
		{"https://download.docker.com/linux/ubuntu", Class{Kind: ThirdParty}},
		{"https://ppa.launchpadcontent.net/ansible/ansible/ubuntu/", Class{Kind: ThirdParty}},
		{"http://packages.linuxmint.com", Class{Kind: ThirdParty}},
		{"cdrom:[Debian 12]/", Class{Kind: Local}},
		{"file:/srv/repo", Class{Kind: Local}},
		{"mirror+file:/etc/apt/apt-mirrors.txt", Class{Kind: MirrorList}},
		{"mirror://mirrors.ubuntu.com/mirrors.txt", Class{Kind: MirrorList}},
	}
	for _, tt := range tests {
		got := c.Classify(tt.uri, nil)
		got.Mirror, got.Scheme, got.Wrapper = nil, "", ""
		if got != tt.want {
			t.Errorf("Classify(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
	if got := c.Classify("http://127.0.0.1:8000/ubuntu/", map[string][]string{"ubuntu": {"http://127.0.0.1:8000/ubuntu"}}); got != (Class{Kind: Archive, Distro: "ubuntu", Scheme: "http"}) {
		t.Errorf("a mirror switched to before: %v", got)
	}
}

func TestDerive(t *testing.T) {
	if p, ok := PortsURL("http://m/ubuntu/"); !ok || p != "http://m/ubuntu-ports/" {
		t.Errorf("PortsURL: %q %v", p, ok)
	}
	if _, ok := PortsURL("http://m/pub/linux/"); ok {
		t.Error("PortsURL of a non-ubuntu path")
	}
	if s, ok := SecurityURL("http://m/debian"); !ok || s != "http://m/debian-security" {
		t.Errorf("SecurityURL: %q %v", s, ok)
	}
}

func TestCatalogue(t *testing.T) {
	c := Default()
	if n := len(c.Filter("", "ubuntu")); n < 400 {
		t.Errorf("only %d ubuntu mirrors", n)
	}
	if n := len(c.Filter("KR", "")); n < 15 {
		t.Errorf("only %d Korean mirrors", n)
	}
	for _, name := range []string{"kr", "kakao", "kaist", "lanet", "neowiz", "daumkakao"} {
		if len(c.Lookup(name)) == 0 {
			t.Errorf("no %s", name)
		}
	}
	if m := c.Lookup("ftp.kaist.ac.kr"); len(m) != 2 || m[0].Ports == "" {
		t.Errorf("kaist by host: %+v", m)
	}
}
