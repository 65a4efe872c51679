//! The order results are reported in, whatever order the check processes end in: exercises in
//! course order; within one, each check in the exercise's order, as soon as it and every check
//! before it are in; the exercise itself once all its checks are. So a report can print each
//! check's line as it comes and still read top to bottom.

/// What can be reported next.
#[derive(Debug, PartialEq)]
pub enum Release<O> {
    /// Check `check` of target `target`, with its outcome.
    Check {
        target: usize,
        check: usize,
        outcome: O,
    },
    /// Every check of target `target` has been released.
    Exercise(usize),
}

/// Holds outcomes that arrived early until everything before them is released.
pub struct InOrder<O> {
    /// Per target, per check: the outcome once it arrived, until released.
    arrived: Vec<Vec<Option<O>>>,
    /// The target being released: the earlier ones are done.
    target: usize,
    /// How many of its checks have been released.
    check: usize,
}

impl<O> InOrder<O> {
    /// For targets whose checks are `arrived` so far (`None`: still to come).
    pub fn new(arrived: Vec<Vec<Option<O>>>) -> InOrder<O> {
        InOrder {
            arrived,
            target: 0,
            check: 0,
        }
    }

    /// Check `check` of target `target` is in.
    pub fn arrive(&mut self, target: usize, check: usize, outcome: O) {
        self.arrived[target][check] = Some(outcome);
    }

    /// Everything that can be reported now, in order. A target `held` must wait (its checks
    /// may have changed the grader's files, and an investigation is finding out which did):
    /// nothing of it or after it is released until it is not held.
    pub fn release(&mut self, held: impl Fn(usize) -> bool) -> Vec<Release<O>> {
        let mut out = Vec::new();
        while self.target < self.arrived.len() && !held(self.target) {
            let checks = &mut self.arrived[self.target];
            while let Some(outcome) = checks.get_mut(self.check).and_then(Option::take) {
                out.push(Release::Check {
                    target: self.target,
                    check: self.check,
                    outcome,
                });
                self.check += 1;
            }
            if self.check < checks.len() {
                break;
            }
            out.push(Release::Exercise(self.target));
            self.target += 1;
            self.check = 0;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{InOrder, Release};

    fn check(target: usize, check: usize) -> Release<&'static str> {
        Release::Check {
            target,
            check,
            outcome: "ok",
        }
    }

    #[test]
    fn each_check_comes_once_those_before_it_are_in_and_the_exercise_after_its_checks() {
        // Two exercises of three checks and one with none (it did not build).
        let mut order = InOrder::new(vec![vec![None; 3], vec![], vec![None; 3]]);
        let free = |_: usize| false;
        assert_eq!(order.release(free), vec![]);
        order.arrive(0, 1, "ok");
        order.arrive(2, 0, "ok");
        assert_eq!(
            order.release(free),
            vec![],
            "check 0 of exercise 0 is not in"
        );
        order.arrive(0, 0, "ok");
        assert_eq!(order.release(free), vec![check(0, 0), check(0, 1)]);
        order.arrive(0, 2, "ok");
        assert_eq!(
            order.release(free),
            vec![
                check(0, 2),
                Release::Exercise(0),
                Release::Exercise(1),
                check(2, 0)
            ]
        );
        order.arrive(2, 2, "ok");
        order.arrive(2, 1, "ok");
        assert_eq!(
            order.release(free),
            vec![check(2, 1), check(2, 2), Release::Exercise(2)]
        );
        assert_eq!(order.release(free), vec![]);
    }

    #[test]
    fn whatever_order_the_checks_end_in_they_are_released_in_order() {
        // Every order in which four checks of two exercises can end.
        let all = [(0, 0), (0, 1), (1, 0), (1, 1)];
        let mut orders = vec![vec![]];
        for _ in 0..all.len() {
            orders = orders
                .into_iter()
                .flat_map(|o: Vec<(usize, usize)>| {
                    all.iter()
                        .filter(|c| !o.contains(c))
                        .map(|&c| [o.clone(), vec![c]].concat())
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        assert_eq!(orders.len(), 24);
        for ended in orders {
            let mut order = InOrder::new(vec![vec![None; 2], vec![None; 2]]);
            let mut released = Vec::new();
            for &(t, c) in &ended {
                order.arrive(t, c, "ok");
                released.extend(order.release(|_| false));
            }
            assert_eq!(
                released,
                vec![
                    check(0, 0),
                    check(0, 1),
                    Release::Exercise(0),
                    check(1, 0),
                    check(1, 1),
                    Release::Exercise(1)
                ],
                "ended in the order {ended:?}"
            );
        }
    }

    #[test]
    fn a_held_exercise_holds_back_its_checks_and_everything_after_it() {
        let mut order = InOrder::new(vec![vec![Some("ok")], vec![None, None]]);
        order.arrive(1, 0, "ok");
        assert_eq!(order.release(|t| t == 0), vec![]);
        assert_eq!(
            order.release(|t| t == 1),
            vec![check(0, 0), Release::Exercise(0)]
        );
        order.arrive(1, 1, "ok");
        assert_eq!(
            order.release(|_| false),
            vec![check(1, 0), check(1, 1), Release::Exercise(1)]
        );
    }
}
