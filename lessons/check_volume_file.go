package lessons

import (
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindVolumeFile: Path (absolute, inside the container Container) lies
// in one of the container's volumes and is there on the host side;
// with Want, it contains Want. The container may have stopped.
const KindVolumeFile = "volume_file"

var volumeFileKind = kindSpec{
	Live: true,
	Doc:  "path (inside) lies in one of the container's volumes and is there on the host side (containing want)",
	Validate: func(c Check) string {
		if c.Container == "" {
			return "volume_file needs container"
		}
		if !strings.HasPrefix(c.Path, "/") {
			return "volume_file needs an absolute path inside the container"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return t("`%s` in a volume of container %s, on the host side too", "컨테이너 %[2]s의 볼륨 안 `%[1]s`: 호스트 쪽에도 있음").F(c.Path, c.Container)
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		k, cr, ok := lookContainer(c, env, false)
		if !ok {
			return cr
		}
		return volumeFile(c, env, k)
	},
}

// volumeFile maps c.Path inside the container to the host side of the
// volume that holds it, and looks there.
func volumeFile(c Check, env Env, k *ctr) Criterion {
	inside := path.Clean(c.Path)
	var host, at string
	for _, v := range k.Volumes {
		vc := path.Clean(v.Container)
		if inside == vc || strings.HasPrefix(inside, strings.TrimSuffix(vc, "/")+"/") {
			if len(vc) > len(at) {
				host, at = filepath.Join(v.Host, strings.TrimPrefix(inside, vc)), vc
			}
		}
	}
	if host == "" {
		var vols []string
		for _, v := range k.Volumes {
			vols = append(vols, v.Host+":"+v.Container)
		}
		saw := strings.Join(vols, ", ")
		if saw == "" {
			saw = "none"
		}
		return Criterion{Saw: saw, Want: path.Dir(inside),
			Line: t("container %s has no volume holding %s (its volumes: %s); start it with -v HOSTDIR:%s",
				"컨테이너 %s: %s를 담는 볼륨이 없습니다 (볼륨: %s). -v HOSTDIR:%s를 주고 시작하세요").F(c.Container, inside, saw, path.Dir(inside))}
	}
	shown := host
	if rel, err := filepath.Rel(env.Dir, host); err == nil && !strings.HasPrefix(rel, "..") {
		shown = rel
	}
	data, err := env.readFile(host)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Criterion{Saw: "missing", Want: inside,
				Line: t("%s has not appeared in the volume yet (on the host it would be %s)", "%s: 아직 볼륨에 없습니다 (호스트에서는 %s에 생깁니다)").F(inside, shown)}
		}
		return Criterion{Saw: "error", Want: inside, Line: t("%s: cannot read it: %v", "%s: 읽을 수 없습니다: %v").F(shown, err)}
	}
	if c.Want != "" && !strings.Contains(string(data), c.Want) {
		return Criterion{Saw: "does not contain", Want: c.Want,
			Line: t("%s is in the volume (%s on the host) but does not contain %q yet", "%s: 볼륨에 있지만 (호스트에서 %s) 아직 %q 내용이 없습니다").F(inside, shown, c.Want)}
	}
	return Criterion{OK: true, Saw: shown, Want: inside,
		Line: t("%s written inside container %s appeared on the host as %s", "컨테이너 %[2]s 안에서 쓴 %[1]s가 호스트의 %[3]s에 나타났습니다").F(inside, c.Container, shown)}
}
