//! Every topic and subscription of the process, by ARN. Lookups clone an `Arc` under a read
//! lock; changes to the set take the write lock. Lock order: registry, then a topic's lock.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use sluice_core::{page, Page};

use super::journal::{Change, SnsJournal, SubscriptionRecord};
use super::subscription::{DeliveryProtocol, Subscription, SubscriptionSettings};
use super::topic::TopicCell;

/// How many items a List* page holds, as AWS pages them.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Default)]
pub struct Registry {
    state: RwLock<State>,
    /// Where topic and subscription changes are recorded; every topic gets a copy.
    journal: SnsJournal,
}

#[derive(Debug, Default)]
struct State {
    topics: BTreeMap<Arc<str>, Arc<TopicCell>>,
    subscriptions: BTreeMap<Arc<str>, Arc<Subscription>>,
}

impl Registry {
    /// A registry recording its changes in `journal`.
    pub fn with_journal(journal: SnsJournal) -> Registry {
        Registry {
            journal,
            ..Registry::default()
        }
    }

    /// Records a subscription after a change (call with its settings lock held).
    pub fn record_subscription(
        &self,
        subscription: &Subscription,
        settings: &SubscriptionSettings,
    ) {
        self.journal.record(|| {
            Change::SubscriptionSaved(Arc::new(SubscriptionRecord {
                arn: subscription.arn.clone(),
                topic_arn: subscription.topic_arn.clone(),
                protocol: subscription.protocol,
                endpoint: subscription.endpoint.clone(),
                owner: subscription.owner.clone(),
                token: subscription.token.clone(),
                confirmed: settings.confirmed,
                attributes: settings.attributes.clone(),
            }))
        });
    }

    /// Puts a stored topic back (restore); its subscriptions follow.
    pub fn restore_topic(&self, mut cell: TopicCell) -> Arc<TopicCell> {
        cell.journal = self.journal.clone();
        let cell = Arc::new(cell);
        self.write().topics.insert(cell.arn.clone(), cell.clone());
        cell
    }

    /// Puts a stored subscription back under its topic (restore); `false` when the topic
    /// is not there.
    pub fn restore_subscription(&self, subscription: Arc<Subscription>) -> bool {
        let mut state = self.write();
        let Some(topic) = state.topics.get(&subscription.topic_arn).cloned() else {
            return false;
        };
        topic.lock().add_subscriber(subscription.clone());
        state
            .subscriptions
            .insert(subscription.arn.clone(), subscription);
        true
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn topic(&self, arn: &str) -> Option<Arc<TopicCell>> {
        self.read().topics.get(arn).cloned()
    }

    /// The topic named by `arn`, created by `make` if there is none. Returns whether it was
    /// created.
    pub fn get_or_create_topic(
        &self,
        arn: &str,
        make: impl FnOnce() -> TopicCell,
    ) -> (Arc<TopicCell>, bool) {
        if let Some(existing) = self.topic(arn) {
            return (existing, false);
        }
        let mut state = self.write();
        if let Some(existing) = state.topics.get(arn) {
            return (existing.clone(), false);
        }
        let mut cell = make();
        cell.journal = self.journal.clone();
        let cell = Arc::new(cell);
        state.topics.insert(cell.arn.clone(), cell.clone());
        (cell, true)
    }

    /// Removes a topic and all its subscriptions.
    pub fn delete_topic(&self, arn: &str) -> Option<Arc<TopicCell>> {
        let mut state = self.write();
        let cell = state.topics.remove(arn)?;
        let subscribers = cell.subscribers();
        for sub in subscribers.iter() {
            state.subscriptions.remove(&sub.arn);
        }
        self.journal.record(|| Change::TopicDeleted {
            arn: cell.arn.clone(),
        });
        Some(cell)
    }

    /// Topics whose ARN starts with `prefix` (one account and region), from `start`.
    pub fn topics_page(&self, prefix: &str, start: Option<&str>) -> Page<Arc<TopicCell>> {
        let state = self.read();
        page_of(&state.topics, prefix, start, |_| true)
    }

    pub fn subscription(&self, arn: &str) -> Option<Arc<Subscription>> {
        self.read().subscriptions.get(arn).cloned()
    }

    /// The topic's subscription to `endpoint` over `protocol`, made by `make` and added if
    /// there is none (one lock, so concurrent Subscribes cannot both add). `None` when the
    /// topic was deleted (or replaced by a new one of the same name) meanwhile. The flag
    /// says whether the subscription is new.
    pub fn subscribe(
        &self,
        topic: &Arc<TopicCell>,
        protocol: DeliveryProtocol,
        endpoint: &str,
        make: impl FnOnce() -> Arc<Subscription>,
    ) -> Option<(Arc<Subscription>, bool)> {
        let mut state = self.write();
        if !state
            .topics
            .get(&topic.arn)
            .is_some_and(|current| Arc::ptr_eq(current, topic))
        {
            return None;
        }
        let mut cell = topic.lock();
        if let Some(existing) = cell
            .subscribers
            .iter()
            .find(|s| s.protocol == protocol && s.endpoint == endpoint)
        {
            return Some((existing.clone(), false));
        }
        let subscription = make();
        cell.add_subscriber(subscription.clone());
        drop(cell);
        self.record_subscription(&subscription, &subscription.settings());
        state
            .subscriptions
            .insert(subscription.arn.clone(), subscription.clone());
        Some((subscription, true))
    }

    pub fn remove_subscription(&self, arn: &str) -> Option<Arc<Subscription>> {
        let mut state = self.write();
        let sub = state.subscriptions.remove(arn)?;
        if let Some(topic) = state.topics.get(&sub.topic_arn) {
            topic.lock().remove_subscriber(arn);
        }
        self.journal.record(|| Change::SubscriptionDeleted {
            arn: sub.arn.clone(),
        });
        Some(sub)
    }

    /// Subscriptions whose ARN starts with `prefix` and that `keep` accepts, from `start`.
    pub fn subscriptions_page(
        &self,
        prefix: &str,
        start: Option<&str>,
        keep: impl Fn(&Subscription) -> bool,
    ) -> Page<Arc<Subscription>> {
        let state = self.read();
        page_of(&state.subscriptions, prefix, start, |s| keep(s))
    }

    /// Every topic, for inspection and metrics.
    pub fn all_topics(&self) -> Vec<Arc<TopicCell>> {
        self.read().topics.values().cloned().collect()
    }

    /// Forgets everything (the admin reset).
    pub fn clear(&self) {
        let mut state = self.write();
        for arn in state.topics.keys() {
            self.journal
                .record(|| Change::TopicDeleted { arn: arn.clone() });
        }
        for arn in state.subscriptions.keys() {
            self.journal
                .record(|| Change::SubscriptionDeleted { arn: arn.clone() });
        }
        *state = State::default();
    }
}

/// A page of `map`'s values under `prefix` that `keep` accepts, from the key `start`.
fn page_of<V: Clone>(
    map: &BTreeMap<Arc<str>, V>,
    prefix: &str,
    start: Option<&str>,
    keep: impl Fn(&V) -> bool,
) -> Page<V> {
    let from = start.unwrap_or(prefix);
    let entries = map
        .range::<str, _>((Bound::Included(from), Bound::Unbounded))
        .take_while(|(key, _)| key.starts_with(prefix))
        .filter(|(_, value)| keep(value))
        .map(|(key, value)| (key.clone(), value.clone()));
    page(entries, start, PAGE_SIZE)
}
