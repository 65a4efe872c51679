/// The four parts, 1 to 4. Part a is wrong, and parts b and c were never filled in: one mistake
/// that fails two checks.
pub async fn parts() -> [u32; 4] {
    [7, 0, 0, 4]
}
