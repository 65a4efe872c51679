use task_pools_solution as task_pools;

// The demo: `cargo run -p task-pools` runs seven jobs (one of them fails) through your pool with
// three slots, in real time (about 5 seconds). Watch a new job start the moment a slot frees up,
// then the results, in the order the jobs were given.
fn main() {
    awaitlings::demo(async {
        match task_pools::run_jobs(&[2, 3, 1, 0, 2, 1, 2], 3).await {
            Ok(results) => {
                for (id, result) in results.iter().enumerate() {
                    awaitlings::say!("result {id}: {result:?}");
                }
            }
            Err(error) => awaitlings::say!("the pool did not run: {error}"),
        }
    });
}
