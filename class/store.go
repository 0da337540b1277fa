package class

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// Store is the server's own record, one bbolt file only root can read or
// write. Every change is one transaction committed (and synced) before
// the server answers, so an acknowledged result survives a crash.
type Store struct {
	db *bolt.DB
}

var (
	bStudents = []byte("students") // uid -> Student
	bSteps    = []byte("steps")    // uid/lesson/step -> StepRecord
	bCurrent  = []byte("current")  // uid/lesson -> Current
	bEvents   = []byte("events")   // sequence -> Event
)

// Student is one user the server has heard from.
type Student struct {
	UID  int    `json:"uid"`
	Name string `json:"name"`
	// Seed binds the lessons' values for this student; it is made and
	// kept by the server.
	Seed  string    `json:"seed"`
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// StepRecord is what the server knows of one student's step.
type StepRecord struct {
	// Passed is when the server first saw the check pass (recorded).
	Passed *time.Time `json:"passed,omitempty"`
	Checks int        `json:"checks"`
	Fails  int        `json:"fails"`
	Hints  int        `json:"hints"`
	// Solution: the student asked for hints past the last one.
	Solution bool `json:"solution,omitempty"`
	// Claimed: the student's progress file says the step is done
	// (self-reported).
	Claimed bool      `json:"self_reported,omitempty"`
	Last    time.Time `json:"last"`
}

// Current is the step a student is on in a lesson, as the server sees
// it: the last step checked and not passed (or the one after the last
// passed), and since when.
type Current struct {
	Step  int       `json:"step"`
	Since time.Time `json:"since"`
	Dir   string    `json:"dir,omitempty"`
}

// Event is one request the server acted on.
type Event struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	UID    int       `json:"uid"`
	Op     string    `json:"op"`
	Lesson string    `json:"lesson,omitempty"`
	Step   int       `json:"step,omitempty"`
	Passed bool      `json:"passed,omitempty"`
}

// OpenStore opens (or creates) the store at path, readable and writable
// by its owner only. A store another server holds open is an error after
// a second.
func OpenStore(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, i18n.Failed(i18n.T("opening the class store %s", "수업 기록 저장소 %s를 여는 중").F(path), err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, i18n.Invalid(i18n.T("the class store %s is in use by another class server", "수업 기록 저장소 %s: 다른 수업 서버가 쓰고 있습니다").F(path))
		}
		return nil, i18n.Failed(i18n.T("opening the class store %s", "수업 기록 저장소 %s를 여는 중").F(path), err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bStudents, bSteps, bCurrent, bEvents} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, i18n.Failed(i18n.T("opening the class store %s", "수업 기록 저장소 %s를 여는 중").F(path), err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func uidKey(uid int) []byte { return []byte(fmt.Sprintf("%010d", uid)) }

func lessonKey(uid int, lesson string) []byte {
	return []byte(fmt.Sprintf("%010d/%s", uid, lesson))
}

func stepKey(uid int, lesson string, step int) []byte {
	return []byte(fmt.Sprintf("%010d/%s/%04d", uid, lesson, step))
}

func get[T any](b *bolt.Bucket, k []byte) (T, bool) {
	var v T
	data := b.Get(k)
	if data == nil || json.Unmarshal(data, &v) != nil {
		return v, false
	}
	return v, true
}

func put(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(k, data)
}

// Student returns the student uid, made (with a new seed) when the server
// has not heard from them before; name is kept up to date.
func (s *Store) Student(uid int, name string, now time.Time) (Student, error) {
	var st Student
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bStudents)
		var ok bool
		st, ok = get[Student](b, uidKey(uid))
		if ok && st.Name == name && now.Sub(st.Last) < time.Minute {
			return nil
		}
		if !ok {
			st = Student{UID: uid, Seed: lessons.NewSeed(), First: now}
		}
		st.Name, st.Last = name, now
		return put(b, uidKey(uid), st)
	})
	return st, err
}

// CheckOutcome is what the server records of one check.
type CheckOutcome struct {
	UID    int
	Lesson string
	Step   int // the step checked
	Steps  int // the lesson's number of steps
	Passed bool
	Dir    string
	// Claimed are the steps the student's progress file says are done.
	Claimed []int
	Op      string // check or answer
	Time    time.Time
}

// RecordCheck records one check, in one transaction: the step's record
// (a pass is kept with its first time; a later failure never undoes
// it), the student's current step, the self-reported claims and an
// event. It returns the step's record as stored.
func (s *Store) RecordCheck(o CheckOutcome) (StepRecord, error) {
	var rec StepRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		steps, cur := tx.Bucket(bSteps), tx.Bucket(bCurrent)
		for _, n := range o.Claimed {
			if n < 1 || n > o.Steps || n == o.Step {
				continue
			}
			k := stepKey(o.UID, o.Lesson, n)
			r, _ := get[StepRecord](steps, k)
			if !r.Claimed {
				r.Claimed = true
				if err := put(steps, k, r); err != nil {
					return err
				}
			}
		}
		k := stepKey(o.UID, o.Lesson, o.Step)
		rec, _ = get[StepRecord](steps, k)
		rec.Checks++
		rec.Last = o.Time
		rec.Claimed = rec.Claimed || contains(o.Claimed, o.Step)
		if o.Passed {
			if rec.Passed == nil {
				t := o.Time
				rec.Passed = &t
			}
		} else {
			rec.Fails++
		}
		if err := put(steps, k, rec); err != nil {
			return err
		}
		c, _ := get[Current](cur, lessonKey(o.UID, o.Lesson))
		next := o.Step
		if o.Passed {
			next = o.Step + 1
		}
		if c.Step != next {
			c.Step, c.Since = next, o.Time
		}
		c.Dir = o.Dir
		if err := put(cur, lessonKey(o.UID, o.Lesson), c); err != nil {
			return err
		}
		return addEvent(tx, Event{Time: o.Time, UID: o.UID, Op: o.Op, Lesson: o.Lesson, Step: o.Step, Passed: o.Passed})
	})
	return rec, err
}

// RecordHint counts one more hint asked for step; past the last of
// hints hints, the solution counts as seen. It returns how many hints
// were asked for that step, this one included.
func (s *Store) RecordHint(uid int, lesson string, step, hints int, now time.Time) (int, error) {
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSteps)
		k := stepKey(uid, lesson, step)
		r, _ := get[StepRecord](b, k)
		r.Hints++
		r.Solution = r.Solution || r.Hints > hints
		r.Last = now
		n = r.Hints
		if err := put(b, k, r); err != nil {
			return err
		}
		cur := tx.Bucket(bCurrent)
		c, _ := get[Current](cur, lessonKey(uid, lesson))
		if c.Step == 0 {
			c.Step, c.Since = step, now
			if err := put(cur, lessonKey(uid, lesson), c); err != nil {
				return err
			}
		}
		return addEvent(tx, Event{Time: now, UID: uid, Op: "hint", Lesson: lesson, Step: step})
	})
	return n, err
}

func addEvent(tx *bolt.Tx, ev Event) error {
	b := tx.Bucket(bEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	ev.Seq = seq
	k := []byte(fmt.Sprintf("%016x", seq))
	return put(b, k, ev)
}

// Snapshot is everything the store holds, for the dashboard and exports.
type Snapshot struct {
	Students []Student
	// Steps by uid, lesson and step.
	Steps   map[int]map[string]map[int]StepRecord
	Current map[int]map[string]Current
	Quizzes []QuizRecord
	Events  uint64 // how many events were recorded
}

// Snapshot reads the whole store in one read transaction.
func (s *Store) Snapshot() (*Snapshot, error) {
	snap := &Snapshot{Steps: map[int]map[string]map[int]StepRecord{}, Current: map[int]map[string]Current{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		tx.Bucket(bStudents).ForEach(func(k, v []byte) error {
			var st Student
			if json.Unmarshal(v, &st) == nil {
				snap.Students = append(snap.Students, st)
			}
			return nil
		})
		tx.Bucket(bSteps).ForEach(func(k, v []byte) error {
			uid, lesson, step, ok := splitKey(string(k))
			var r StepRecord
			if !ok || json.Unmarshal(v, &r) != nil {
				return nil
			}
			if snap.Steps[uid] == nil {
				snap.Steps[uid] = map[string]map[int]StepRecord{}
			}
			if snap.Steps[uid][lesson] == nil {
				snap.Steps[uid][lesson] = map[int]StepRecord{}
			}
			snap.Steps[uid][lesson][step] = r
			return nil
		})
		tx.Bucket(bCurrent).ForEach(func(k, v []byte) error {
			uid, lesson, _, ok := splitKey(string(k) + "/0000")
			var c Current
			if !ok || json.Unmarshal(v, &c) != nil {
				return nil
			}
			if snap.Current[uid] == nil {
				snap.Current[uid] = map[string]Current{}
			}
			snap.Current[uid][lesson] = c
			return nil
		})
		if b := tx.Bucket(bQuizzes); b != nil {
			b.ForEach(func(k, v []byte) error {
				var q QuizRecord
				if json.Unmarshal(v, &q) == nil {
					snap.Quizzes = append(snap.Quizzes, q)
				}
				return nil
			})
		}
		snap.Events = tx.Bucket(bEvents).Sequence() // events are never removed
		return nil
	})
	sort.Slice(snap.Students, func(i, j int) bool {
		if snap.Students[i].Name != snap.Students[j].Name {
			return snap.Students[i].Name < snap.Students[j].Name
		}
		return snap.Students[i].UID < snap.Students[j].UID
	})
	return snap, err
}

// Events returns every event recorded, oldest first.
func (s *Store) Events() ([]Event, error) {
	var out []Event
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bEvents).ForEach(func(k, v []byte) error {
			var ev Event
			if json.Unmarshal(v, &ev) == nil {
				out = append(out, ev)
			}
			return nil
		})
	})
	return out, err
}

func splitKey(k string) (uid int, lesson string, step int, ok bool) {
	parts := strings.Split(k, "/")
	if len(parts) != 3 {
		return 0, "", 0, false
	}
	uid, err1 := strconv.Atoi(parts[0])
	step, err2 := strconv.Atoi(parts[2])
	return uid, parts[1], step, err1 == nil && err2 == nil
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Current returns the step the server has uid on in lesson (zero when
// none).
func (s *Store) Current(uid int, lesson string) Current {
	var c Current
	s.db.View(func(tx *bolt.Tx) error {
		c, _ = get[Current](tx.Bucket(bCurrent), lessonKey(uid, lesson))
		return nil
	})
	return c
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var bQuizzes = []byte("quizzes") // uid/id -> QuizRecord

// QuizRecord is a quiz the server generated for a student: the questions
// with their answers (never sent before the student answered), the seed
// they came from, and what the student answered.
type QuizRecord struct {
	ID        int                `json:"id"`
	UID       int                `json:"uid"`
	Topic     string             `json:"topic"`
	Seed      uint64             `json:"seed"`
	Questions []lessons.Question `json:"questions"`
	Given     []string           `json:"given"`
	Correct   []bool             `json:"correct"`
	Answered  []bool             `json:"answered"`
	Started   time.Time          `json:"started"`
}

// Score counts the right answers and the answered questions.
func (q *QuizRecord) Score() (right, answered int) {
	for i := range q.Questions {
		if q.Answered[i] {
			answered++
			if q.Correct[i] {
				right++
			}
		}
	}
	return right, answered
}

func quizKey(uid, id int) []byte { return []byte(fmt.Sprintf("%010d/%08d", uid, id)) }

// NewQuiz stores a new quiz for q.UID and returns its id.
func (s *Store) NewQuiz(q QuizRecord) (int, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bQuizzes)
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		q.ID = int(seq)
		n := len(q.Questions)
		q.Given, q.Correct, q.Answered = make([]string, n), make([]bool, n), make([]bool, n)
		if err := put(b, quizKey(q.UID, q.ID), q); err != nil {
			return err
		}
		return addEvent(tx, Event{Time: q.Started, UID: q.UID, Op: "quiz"})
	})
	return q.ID, err
}

// AnswerQuiz grades the answer to question n (from 1) of uid's quiz id
// with grade; only the first answer to a question counts. It returns the
// quiz as stored (nil when uid has no such quiz).
func (s *Store) AnswerQuiz(uid, id, n int, given string, now time.Time) (*QuizRecord, error) {
	var out *QuizRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bQuizzes)
		if b == nil {
			return nil
		}
		q, ok := get[QuizRecord](b, quizKey(uid, id))
		if !ok || q.UID != uid || n < 1 || n > len(q.Questions) {
			return nil
		}
		out = &q
		if q.Answered[n-1] {
			return nil
		}
		q.Answered[n-1], q.Given[n-1] = true, given
		q.Correct[n-1] = q.Questions[n-1].Grade(given)
		if err := put(b, quizKey(uid, id), q); err != nil {
			return err
		}
		return addEvent(tx, Event{Time: now, UID: uid, Op: "quiz-answer", Step: n, Passed: q.Correct[n-1]})
	})
	return out, err
}

// Quizzes returns every quiz of every student.
func (s *Store) Quizzes() ([]QuizRecord, error) {
	var out []QuizRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bQuizzes)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var q QuizRecord
			if json.Unmarshal(v, &q) == nil {
				out = append(out, q)
			}
			return nil
		})
	})
	return out, err
}
