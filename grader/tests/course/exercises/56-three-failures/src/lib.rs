/// The four parts, 1 to 4. Three are wrong: every check but part-b fails, each on its own.
pub async fn parts() -> [u32; 4] {
    [9, 2, 9, 9]
}
