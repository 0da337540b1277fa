// Package class is sysdojo's class server: the instructor runs it as root
// on the lab machine, and students' `sysdojo lesson check`, `answer` and
// `hint` reach it over a Unix socket.
//
// Evidence the instructor can trust: the server learns who asks from the
// kernel (SO_PEERCRED), never from what the client sends; it refuses a
// workspace that is not a directory owned by the asking user; it runs the
// step's check itself with that student's file-access rights
// (lessons.Creds), binding the lesson with a seed it keeps; and it records
// what it saw, with the time, in a store only root can write. A result
// has one of three kinds: seen now (the check the server just ran),
// recorded (a pass the server saw earlier, kept even when a later step
// undoes its state) and self-reported (what the student's progress file
// claims, shown apart and never counted). Quizzes are made by the server
// from seeds it keeps, sent without their answers, and only the first
// answer to each question is graded.
//
// Checks whose kind looks at machine state rather than the workspace
// (containers, ports, HTTP, mirrors) run with the server's rights, as
// lessons.CheckStep runs them; they read no path the student names.
//
// The store is go.etcd.io/bbolt rather than modernc.org/sqlite: one file,
// pure Go with no CGO, and crash-safe by construction (copy-on-write
// pages, a commit is two fsyncs and either happened or did not, so a
// SIGKILL or power cut never leaves half a transaction). The server needs
// a handful of keyed records, not SQL; bbolt adds one small dependency
// (golang.org/x/sys, already used) where the sqlite port adds a
// transpiled C library several megabytes large.
//
// Abuse limits: each request is one bounded JSON line (MaxRequest), read
// under a deadline; each uid has a token-bucket rate limit and a cap on
// open connections; at most a few checks run at once; a student is only
// ever answered about their own records; nothing the student supplies
// runs with more rights than the student has.
//
// The dashboard (Dashboard) serves one self-contained page with the class
// grid, updated live with server-sent events, and CSV and JSON exports.
//
// The package never prints; the command in cmd/sysdojo renders.
package class
