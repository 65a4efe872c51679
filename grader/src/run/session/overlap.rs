//! Building and running side by side: a builder thread builds group after group, and the caller
//! runs each group as soon as its build is done.
//!
//! The builder never waits for the runs. Building keeps the CPUs busy, while a run spends much of
//! its time waiting (for check processes to start, for checks that wait on the real clock). With
//! one group built ahead at most, as before, `verify`'s builder sat idle behind the runs of
//! exercises 04, 10, 11 and 12, whose checks wait seconds at a time.

use anyhow::Result;
use std::sync::mpsc;

/// Calls `build` on each of `groups` in turn, on a thread of its own, and `run` with each
/// group's build, in order, as soon as it is done. Stops at the first error, of a build or of
/// `run`: a failed build is the last one, and a failed run drops the receiver, so the builder
/// stops after the group it is building.
pub fn overlap<G: Sync, B: Send>(
    groups: &[G],
    build: impl Fn(&G) -> Result<B> + Sync,
    mut run: impl FnMut(&G, B) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Result<B>>();
        let build = &build;
        scope.spawn(move || {
            for g in groups {
                let built = build(g);
                let failed = built.is_err();
                if tx.send(built).is_err() || failed {
                    return;
                }
            }
        });
        for (g, built) in groups.iter().zip(rx) {
            run(g, built?)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn every_group_builds_while_the_first_run_still_waits() {
        let (all_built, built_rx) = mpsc::channel::<()>();
        let all_built = Mutex::new(all_built);
        let groups = [0, 1, 2, 3, 4];
        let mut ran = Vec::new();
        overlap(
            &groups,
            |&g| {
                if g == 4 {
                    all_built.lock().unwrap().send(()).unwrap();
                }
                Ok(g * 10)
            },
            |&g, built| {
                if g == 0 {
                    // A builder that waited for the runs (one group ahead) would never get to
                    // the last group while this run waits; a minute is only there to end the
                    // test if it did.
                    built_rx
                        .recv_timeout(Duration::from_secs(60))
                        .expect("the builder waited for the first run to finish");
                }
                ran.push((g, built));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(ran, [(0, 0), (1, 10), (2, 20), (3, 30), (4, 40)]);
    }

    #[test]
    fn a_failed_build_is_the_last_and_a_failed_run_stops_the_rest() {
        let built = Mutex::new(Vec::new());
        let mut ran = Vec::new();
        let err = overlap(
            &[0, 1, 2, 3],
            |&g| {
                built.lock().unwrap().push(g);
                if g == 2 {
                    anyhow::bail!("group 2 does not build")
                }
                Ok(g)
            },
            |&g, _| {
                ran.push(g);
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "group 2 does not build");
        assert_eq!(ran, [0, 1]);
        assert_eq!(
            *built.lock().unwrap(),
            [0, 1, 2],
            "nothing built after a failed build"
        );

        let mut ran = Vec::new();
        let err = overlap(
            &[0, 1, 2, 3],
            |&g| Ok(g),
            |&g, _| {
                ran.push(g);
                anyhow::ensure!(g != 1, "run 1 failed");
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "run 1 failed");
        assert_eq!(ran, [0, 1], "no group runs after a failed run");
    }
}
