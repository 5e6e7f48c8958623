//! The life of a service request or sale (SPEC §2): Draft → Pending → In Progress, any open
//! status → Cancelled, and Completed only through completion. Completed and Cancelled are
//! final: the record and its lines are locked.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum JobStatus {
    Draft,
    Pending,
    InProgress,
    Completed,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Draft,
        JobStatus::Pending,
        JobStatus::InProgress,
        JobStatus::Completed,
        JobStatus::Cancelled,
    ];

    /// The stored value, which is also the original API's ("In Progress" with a space).
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Draft => "Draft",
            JobStatus::Pending => "Pending",
            JobStatus::InProgress => "In Progress",
            JobStatus::Completed => "Completed",
            JobStatus::Cancelled => "Cancelled",
        }
    }

    /// Parses the stored value; also accepts `in_progress` and any letter case from URLs.
    pub fn parse(raw: &str) -> Option<Self> {
        let key: String = raw
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().replace(' ', "").to_ascii_lowercase() == key)
    }

    /// A CSS-friendly name for the status badge.
    pub fn css(self) -> &'static str {
        match self {
            JobStatus::Draft => "draft",
            JobStatus::Pending => "pending",
            JobStatus::InProgress => "in-progress",
            JobStatus::Completed => "completed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// Completed and Cancelled lock the record and its lines.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Cancelled)
    }

    /// Whether staff may move a record from `self` to `next` by hand. Completion is not a move:
    /// it is the complete action alone.
    pub fn can_move_to(self, next: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, next),
            (Draft, Pending) | (Pending, InProgress) | (Draft | Pending | InProgress, Cancelled)
        )
    }

    /// The manual moves offered from this status (Cancelled is offered separately, with a
    /// reason).
    pub fn next_steps(self) -> &'static [JobStatus] {
        match self {
            JobStatus::Draft => &[JobStatus::Pending],
            JobStatus::Pending => &[JobStatus::InProgress],
            _ => &[],
        }
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::JobStatus::{self, *};

    #[test]
    fn only_the_forward_moves_and_cancelling_are_allowed() {
        let allowed: Vec<(JobStatus, JobStatus)> = JobStatus::ALL
            .into_iter()
            .flat_map(|a| JobStatus::ALL.into_iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.can_move_to(*b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Draft, Pending),
                (Draft, Cancelled),
                (Pending, InProgress),
                (Pending, Cancelled),
                (InProgress, Cancelled),
            ]
        );
    }

    #[test]
    fn nothing_moves_to_completed_by_hand() {
        assert!(JobStatus::ALL.iter().all(|s| !s.can_move_to(Completed)));
    }

    #[test]
    fn parses_stored_and_url_spellings() {
        assert_eq!(JobStatus::parse("In Progress"), Some(InProgress));
        assert_eq!(JobStatus::parse("in_progress"), Some(InProgress));
        assert_eq!(JobStatus::parse("COMPLETED"), Some(Completed));
        assert_eq!(JobStatus::parse("done"), None);
    }
}
