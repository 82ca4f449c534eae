//! Values that know whether the source said them.

use dockward_core::Provenance;

/// Three states, because precision depends on telling them apart.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Known<T> {
    /// The source says so.
    Set(T),
    /// The source could have said it and did not: Docker's default applies.
    #[default]
    Unset,
    /// The source cannot tell (`$EXTRA_ARGS` in a run line, `${VAR}` without a value).
    Unknown,
}

impl<T> Known<T> {
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Known::Set(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_unset(&self) -> bool {
        matches!(self, Known::Unset)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Known::Unknown)
    }
}

/// A value and where it came from. For an `Unset` value, `at` is where the setting would
/// go (the service, the run command): that is where a "missing X" finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: Known<T>,
    pub at: Provenance,
}

impl<T> Sourced<T> {
    pub fn set(value: T, at: Provenance) -> Self {
        Self {
            value: Known::Set(value),
            at,
        }
    }

    pub fn unset(at: Provenance) -> Self {
        Self {
            value: Known::Unset,
            at,
        }
    }

    pub fn unknown(at: Provenance) -> Self {
        Self {
            value: Known::Unknown,
            at,
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_set()
    }

    /// `Unset` becomes `Unknown`: the source may say more than dockward can see.
    pub fn unknown_if_unset(&mut self) {
        if self.value.is_unset() {
            self.value = Known::Unknown;
        }
    }
}
