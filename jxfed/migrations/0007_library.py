from tortoise import migrations
from tortoise.migrations import operations as ops
from jxfed.spaces.library.models import Change, ItemKind, ItemStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0006_browser_sessions_language')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('space', fields.ForeignKeyField('jxfed.Space', source_field='space_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.CASCADE)),
                ('sequence', fields.BigIntField()),
                ('actor_uri', fields.CharField(max_length=500)),
                ('action', fields.CharField(max_length=32)),
                ('item_uri', fields.CharField(default='', max_length=500)),
                ('revision_sha256', fields.CharField(default='', max_length=64)),
                ('detail', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('previous_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'library_audit', 'app': 'jxfed', 'unique_together': (('space', 'sequence'),), 'pk_attr': 'id', 'table_description': "One line of a space's audit trail, chained to the one before by its hash."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LibraryItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=500)),
                ('space', fields.ForeignKeyField('jxfed.Space', source_field='space_id', db_constraint=True, to_field='id', related_name='library_items', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='FOLDER: folder\nFILE: file\nNOTE: note', enum_type=ItemKind, max_length=16)),
                ('parent', fields.ForeignKeyField('jxfed.LibraryItem', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=255)),
                ('status', fields.CharEnumField(default=ItemStatus.OPEN, description='OPEN: open\nVALIDATED: validated\nINVALID: invalid\nDEPRECATED: deprecated', enum_type=ItemStatus, max_length=16)),
                ('author_uri', fields.CharField(max_length=500)),
                ('revision', fields.IntField(default=1)),
                ('sha256', fields.CharField(null=True, max_length=64)),
                ('size', fields.BigIntField(null=True)),
                ('media_type', fields.CharField(null=True, max_length=100)),
                ('deleted', fields.BooleanField(default=False)),
                ('local', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'library_item', 'app': 'jxfed', 'indexes': [Index(fields=['space_id', 'parent_id', 'title'])], 'pk_attr': 'id', 'table_description': "A folder, file or note of a space's library, as its newest revision says it is now."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LibraryRevision',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('jxfed.LibraryItem', source_field='item_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('change', fields.CharEnumField(description='CREATE: create\nEDIT: edit\nRENAME: rename\nMOVE: move\nSTATUS: status\nDELETE: delete\nRESTORE: restore', enum_type=Change, max_length=16)),
                ('author_uri', fields.CharField(max_length=500)),
                ('message', fields.CharField(default='', max_length=1000)),
                ('title', fields.CharField(max_length=255)),
                ('parent_id_then', fields.BigIntField(null=True)),
                ('status', fields.CharEnumField(description='OPEN: open\nVALIDATED: validated\nINVALID: invalid\nDEPRECATED: deprecated', enum_type=ItemStatus, max_length=16)),
                ('sha256', fields.CharField(null=True, max_length=64)),
                ('size', fields.BigIntField(null=True)),
                ('media_type', fields.CharField(null=True, max_length=100)),
                ('deleted', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'library_revision', 'app': 'jxfed', 'unique_together': (('item', 'number'),), 'pk_attr': 'id', 'table_description': 'One change of an item, never altered afterwards: who, when, why, and what it made.'},
            bases=['Model'],
        ),
    ]
