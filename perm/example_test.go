package perm_test

import (
	"fmt"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// What `chmod go=u-w,o+s` does to a 0754 file under umask 022, operator by
// operator.
func ExampleChange_Explain() {
	c, err := perm.Compile("go=u-w,o+s")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := c.Explain(0o754, false, 0o022)
	for _, s := range r.Steps {
		fmt.Printf("%-6s %s -> %s\n", s.Clause, perm.LsString(s.Before, '-'), perm.LsString(s.After, '-'))
		for _, n := range s.Notes {
			fmt.Println("  !", n.In(i18n.EN))
		}
	}
	fmt.Println(r.Mode, perm.LsString(r.Mode, '-'))
	// Output:
	// go=u   -rwxr-xr-- -> -rwxrwxrwx
	//   ! copies u's rwx (rwx) from the mode as it is now; s and t are never copied
	// go-w   -rwxrwxrwx -> -rwxr-xr-x
	// o+s    -rwxr-xr-x -> -rwxr-xr-x
	//   ! s does nothing for o: setuid belongs to u, setgid to g, sticky to o
	// 0755 -rwxr-xr-x
}

// An invalid mode gives chmod's own message.
func ExampleCompile_invalid() {
	_, err := perm.Compile("u+z")
	fmt.Println(err)
	// Output: invalid mode: 'u+z'
}

// The umask applies when no u, g, o or a is given.
func ExampleChange_Apply() {
	c, _ := perm.Compile("-w")
	fmt.Println(c.Apply(0o777, false, 0o022))
	c, _ = perm.Compile("a-w")
	fmt.Println(c.Apply(0o777, false, 0o022))
	// Output:
	// 0577
	// 0555
}

func ExampleParseAny() {
	for _, s := range []string{"754", "-rwsr-xr-x", "drwxrwxrwt", "u=rwx,g=rx,o=r"} {
		p, err := perm.ParseAny(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-15s %-8s %s %s\n", s, p.Form, p.Mode, perm.LsString(p.Mode, p.Type))
	}
	// Output:
	// 754             octal    0754 -rwxr-xr--
	// -rwsr-xr-x      ls       4755 -rwsr-xr-x
	// drwxrwxrwt      ls       1777 drwxrwxrwt
	// u=rwx,g=rx,o=r  symbolic 0754 -rwxr-xr--
}

func ExampleLsString() {
	fmt.Println(perm.LsString(0o4755, perm.TypeRegular))
	fmt.Println(perm.LsString(0o6644, perm.TypeRegular))
	fmt.Println(perm.LsString(0o1777, perm.TypeDir))
	// Output:
	// -rwsr-xr-x
	// -rwSr-Sr--
	// drwxrwxrwt
}

func ExampleExplainUmask() {
	u := perm.ExplainUmask(0o027)
	fmt.Println("umask", u.Umask, "files", u.File, "dirs", u.Dir, "umask -S", u.Symbolic)
	// Output: umask 0027 files 0640 dirs 0750 umask -S u=rwx,g=rx,o=
}

func ExampleParseOwnerSpec() {
	db := &perm.DB{
		Users:  []perm.User{{Name: "alice", UID: 1000, GID: 1000}},
		Groups: []perm.Group{{Name: "alice", GID: 1000}, {Name: "staff", GID: 50}},
	}
	for _, s := range []string{"alice", "alice:", ":staff", "alice:staff", "alice.staff", "1001", "bob", "1001:"} {
		r, err := perm.ParseOwnerSpec(s, db)
		if err != nil {
			fmt.Printf("%-12s error: %v\n", s, err)
			continue
		}
		fmt.Printf("%-12s user %-5v %4d  group %-5v %4d  login-group %-5v dot %v\n", s, r.SetUser, r.UID, r.SetGroup, r.GID, r.LoginGroup, r.Dot)
	}
	// Output:
	// alice        user true  1000  group false    0  login-group false dot false
	// alice:       user true  1000  group true  1000  login-group true  dot false
	// :staff       user false    0  group true    50  login-group false dot false
	// alice:staff  user true  1000  group true    50  login-group false dot false
	// alice.staff  user true  1000  group true    50  login-group false dot true
	// 1001         user true  1001  group false    0  login-group false dot false
	// bob          error: invalid user: 'bob'
	// 1001:        error: invalid spec: '1001:'
}

// chown clears setuid, and setgid when group-x is set, on a file even when
// the owner stays the same.
func ExampleOwnerSpec_Effect() {
	r, _ := perm.ParseOwnerSpec(":", &perm.DB{})
	fmt.Println(r.Effect(0, 0, 0o6755, false).ModeAfter, r.Effect(0, 0, 0o6745, false).ModeAfter, r.Effect(0, 0, 0o6755, true).ModeAfter)
	// Output: 0755 2745 6755
}
