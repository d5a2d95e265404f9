//! Lists of objects resolved without a future per field.
//!
//! async-graphql resolves every field of every object as its own boxed future, run concurrently
//! with its siblings so that their DataLoader reads share batches. When the request reads the read
//! model, no read waits: every field is ready the moment it is polled, and the boxes, the
//! concurrency and their bookkeeping are most of what a large answer (a whole plan tree) costs.
//! [`ObjectList`] is a list of objects that, in that case, resolves its objects one after another
//! and their fields one after another, each field polled where it stands. It is the same list in
//! the schema (`[T!]!`) and gives the same answer:
//!
//! - fields in the order the query selects them, fragments applied as async-graphql applies them
//!   to an object type, and fields selected twice merged;
//! - a field that fails leaves its key out and reports its error, as async-graphql's executor does.
//!
//! A read that does wait (one that still goes to the database) switches the list back to
//! concurrency: the object that waits and every object after it resolve together, so their reads
//! share batches as before. Requests that read the database (mutations, or every read when the
//! read model is over its memory limit), and lists of an interface or union type, use
//! async-graphql's executor throughout.

use std::{
    borrow::Cow,
    future::{Future, poll_fn},
    hash::{BuildHasher, RandomState},
    pin::{Pin, pin},
    sync::Arc,
    task::Poll,
};

use async_graphql::{
    ContainerType, ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value,
    indexmap::{
        IndexMap,
        map::{Entry, RawEntryApiV1, raw_entry_v1::RawEntryMut},
    },
    parser::types::{Field, Selection, SelectionSet},
    registry::{MetaType, Registry},
    resolver_utils::resolve_list,
};
use futures_util::future::join_all;

use super::loaders::Loaders;

/// A list of objects of type `T`, in the schema exactly `[T!]!` (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectList<T>(pub Vec<T>);

impl<T> From<Vec<T>> for ObjectList<T> {
    fn from(objects: Vec<T>) -> Self {
        Self(objects)
    }
}

impl<T> FromIterator<T> for ObjectList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(objects: I) -> Self {
        Self(objects.into_iter().collect())
    }
}

type Resolving<'a> = Pin<Box<dyn Future<Output = ServerResult<Value>> + Send + 'a>>;

impl<T: ContainerType + Send + Sync> OutputType for ObjectList<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(&self, ctx: &ContextSelectionSet<'_>, field: &Positioned<Field>) -> ServerResult<Value> {
        // Boxed (and its type erased) because an object's fields may hold lists of objects again.
        let resolving: Resolving<'_> = if reads_wait(ctx) || !is_object_type::<T>(ctx) {
            Box::pin(resolve_list(ctx, field, &self.0, Some(self.0.len())))
        } else {
            Box::pin(resolve_in_place(ctx, &self.0))
        };
        resolving.await
    }
}

/// Whether this request's reads wait (it reads the database), or a directive of the schema may
/// act on fields. (Extensions' field hooks do not run inside these lists: the registry's
/// extensions act on parsing, validation and `__Schema.description` only.)
fn reads_wait(ctx: &ContextSelectionSet<'_>) -> bool {
    !ctx.schema_env.custom_directives.is_empty()
        || ctx
            .data_opt::<Arc<Loaders>>()
            .is_none_or(|loaders| loaders.lookups.is_none())
}

/// Whether `T` is an object type: an interface or a union answers for objects of several types,
/// whose fragments apply differently, and is left to async-graphql's executor.
fn is_object_type<T: OutputType>(ctx: &ContextSelectionSet<'_>) -> bool {
    matches!(
        ctx.schema_env.registry.types.get(T::type_name().as_ref()),
        Some(MetaType::Object { .. })
    )
}

/// The objects one after another, until one waits: then it and the rest together.
async fn resolve_in_place<T: ContainerType + Send + Sync>(
    ctx: &ContextSelectionSet<'_>,
    objects: &[T],
) -> ServerResult<Value> {
    // Every object of the list has the same type, so the same fields.
    let mut selected = Vec::new();
    selected_fields(ctx, ctx.item, &T::type_name(), &mut selected);
    let fields = &Fields::new(selected);
    let mut values = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        let ctx_index = ctx.with_index(index);
        let mut resolving = pin!(resolve_object(&ctx_index, fields, object));
        match poll_fn(|cx| Poll::Ready(resolving.as_mut().poll(cx))).await {
            Poll::Ready(value) => values.push(value),
            Poll::Pending => {
                let rest = objects.iter().enumerate().skip(index + 1);
                let rest = join_all(rest.map(|(index, object)| async move {
                    resolve_object(&ctx.with_index(index), fields, object).await
                }));
                let (value, rest) = futures_util::future::join(resolving, rest).await;
                values.push(value);
                values.extend(rest);
                break;
            }
        }
    }
    Ok(Value::List(values))
}

/// The fields selected on every object of a list, with their answer keys hashed once for the
/// whole list: each object's answer is a map built with the same hasher, so each key's hash is
/// worked out once per list, not once per object.
struct Fields<'a> {
    hasher: RandomState,
    fields: Vec<SelectedField<'a>>,
}

struct SelectedField<'a> {
    field: &'a Positioned<Field>,
    key: Name,
    key_hash: u64,
}

impl<'a> Fields<'a> {
    fn new(fields: Vec<&'a Positioned<Field>>) -> Self {
        let hasher = RandomState::new();
        let fields = fields
            .into_iter()
            .map(|field| {
                let key = field.node.response_key().node.clone();
                let key_hash = hasher.hash_one(&key);
                SelectedField { field, key, key_hash }
            })
            .collect();
        Self { hasher, fields }
    }
}

/// One object's `fields`, one after another, as async-graphql's `resolve_container` answers
/// them.
async fn resolve_object<T: ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    fields: &Fields<'_>,
    object: &T,
) -> Value {
    let mut answer = IndexMap::with_capacity_and_hasher(fields.fields.len(), fields.hasher.clone());
    for selected in &fields.fields {
        let field = selected.field;
        let value = if field.node.name.node == "__typename" {
            Value::String(object.introspection_type_name().into_owned())
        } else {
            match object.resolve_field(&ctx.with_field(field)).await {
                Ok(value) => value.unwrap_or_default(),
                Err(error) => {
                    ctx.add_error(error);
                    continue;
                }
            }
        };
        match answer
            .raw_entry_mut_v1()
            .from_hash(selected.key_hash, |key| *key == selected.key)
        {
            RawEntryMut::Vacant(entry) => {
                entry.insert_hashed_nocheck(selected.key_hash, selected.key.clone(), value);
            }
            RawEntryMut::Occupied(entry) => merge_into(entry.into_mut(), value),
        }
    }
    if answer.is_empty() {
        Value::Null
    } else {
        Value::Object(answer)
    }
}

/// The fields `selection_set` selects on an object of type `type_name`, fragments expanded.
fn selected_fields<'a>(
    ctx: &ContextSelectionSet<'a>,
    selection_set: &'a Positioned<SelectionSet>,
    type_name: &str,
    fields: &mut Vec<&'a Positioned<Field>>,
) {
    for selection in &selection_set.node.items {
        let (condition, selection_set) = match &selection.node {
            Selection::Field(field) => {
                fields.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                // Validation has already rejected a spread of an unknown fragment.
                let Some(fragment) = ctx.query_env.fragments.get(&spread.node.fragment_name.node) else {
                    continue;
                };
                (Some(&fragment.node.type_condition), &fragment.node.selection_set)
            }
            Selection::InlineFragment(fragment) => (
                fragment.node.type_condition.as_ref(),
                &fragment.node.selection_set,
            ),
        };
        let applies = condition.is_none_or(|condition| {
            let condition = condition.node.on.node.as_str();
            condition == type_name
                || ctx
                    .schema_env
                    .registry
                    .implements
                    .get(type_name)
                    .is_some_and(|interfaces| interfaces.contains(condition))
        });
        if applies {
            selected_fields(ctx, selection_set, type_name, fields);
        }
    }
}

/// Adds `value` under `key`, merging it into an object already there (a field selected twice).
fn merge<S: BuildHasher>(answer: &mut IndexMap<Name, Value, S>, key: Name, value: Value) {
    match answer.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(value);
        }
        Entry::Occupied(entry) => merge_into(entry.into_mut(), value),
    }
}

/// Merges `value` into `present`, the value of a field selected twice.
fn merge_into(present: &mut Value, value: Value) {
    match (present, value) {
        (Value::Object(present), Value::Object(value)) => merge_all(present, value),
        (Value::List(present), Value::List(value)) => {
            for (present, value) in present.iter_mut().zip(value) {
                if let (Value::Object(present), Value::Object(value)) = (present, value) {
                    merge_all(present, value);
                }
            }
        }
        _ => {}
    }
}

fn merge_all<S: BuildHasher>(answer: &mut IndexMap<Name, Value, S>, values: IndexMap<Name, Value>) {
    for (key, value) in values {
        merge(answer, key, value);
    }
}
