package lessons

// KindGroup: Path's group, by name from the group database, is Want.
const KindGroup = "group"

var groupKind = kindSpec{
	Doc:      "the group's name (from /etc/group) is want",
	File:     true,
	Users:    true,
	Validate: needs(KindGroup, "path", "want"),
	Run: runName(func(n node) string { return n.Group },
		t("%s has group %s", "%s: 그룹이 %s입니다"),
		t("%s has group %s, not the group the task names", "%s: 그룹이 %s입니다. 과제에서 말한 그룹이 아닙니다")),
}
