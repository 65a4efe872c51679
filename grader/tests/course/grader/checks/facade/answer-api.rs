// The facade of the test course's one function, `answer()`, shared by the exercises that
// have a facade (`<slug>.rs` here includes this file): their checks compile once, against this,
// and each crate under test is bound to it by `bind!`. The other exercises build the old way,
// with the checks compiled against the crate itself, so the suite covers both.

use awaitlings_check::facade::{Bound, Boxed};

pub struct Table {
    pub answer: fn() -> Boxed<'static, u32>,
}

pub static BOUND: Bound<Table> = Bound::new();

pub fn answer() -> Boxed<'static, u32> {
    (BOUND.get().answer)()
}

#[macro_export]
macro_rules! bind {
    ($code:ident) => {
        $crate::BOUND.install($crate::Table {
            answer: || Box::pin($code::answer()),
        })
    };
}
