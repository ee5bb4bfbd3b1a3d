import '../../../forms/zod-jitless.ts';
import { RegisterLecturerInput } from '@qingmiao/schema';
import { Alert, App, Button, Card, Form, Input, Select, Space } from 'antd';
import { type FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage } from '../../../error-messages.ts';
import { describedBy, Field } from '../../../forms/field.tsx';
import { type FieldErrors, fieldErrors } from '../../../forms/field-errors.ts';
import { useFormSending } from '../../../forms/form-sending.ts';
import { REGISTER_LECTURER } from './documents.ts';

interface School {
  readonly id: string;
  readonly name: string;
}

/** 讲题/专长 as typed: separated by 、，, ; or new lines, blanks dropped. */
const topicsOf = (text: string) =>
  text
    .split(/[、，,；;\n]/)
    .map((topic) => topic.trim())
    .filter(Boolean);

/** Problems by field as the form shows them: a topic's problem (`topics.2`) beside the one topics field. */
function lecturerErrors(issues: Parameters<typeof fieldErrors>[0]): FieldErrors {
  const errors: Record<string, string> = {};
  for (const [path, problem] of Object.entries(fieldErrors(issues))) {
    const [field = path, index] = path.split('.');
    errors[field] ??= index === undefined ? problem : `第 ${Number(index) + 1} 个讲题${problem}`;
  }
  if (errors.id && errors.id !== '不能为空')
    errors.id = '只能用小写字母、数字和连字符，以字母或数字开头，最多 63 个字符';
  return errors;
}

/**
 * 登记讲师 by hand: 讲师姓名, 讲题/专长, 原任教学校 and an optional 讲师编号. Checked with the server's own
 * RegisterLecturerInput before sending; without a typed number the form makes one once, so sending twice (a lost
 * answer, a double click) registers one lecturer. The server's refusal is shown beside the field it names.
 */
export function LecturerForm({
  schools,
  onDone,
}: {
  readonly schools: readonly School[];
  readonly onDone: () => void;
}) {
  const { message } = App.useApp();
  const [, register] = useMutation(REGISTER_LECTURER);
  const [madeId] = useState(() => `lecturer-${crypto.randomUUID().slice(0, 8)}`);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [topics, setTopics] = useState('');
  const [formerSchoolId, setFormerSchoolId] = useState<string>();
  const { errors, message: problem, sending, show, send } = useFormSending();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    const parsed = RegisterLecturerInput.safeParse({
      id: id.trim() || madeId,
      name,
      formerSchoolId: formerSchoolId ?? null,
      topics: topicsOf(topics),
    });
    if (!parsed.success) {
      show({ errors: lecturerErrors(parsed.error.issues), message: '请按提示修改后再登记。' });
      return;
    }
    await send(async () => {
      const answer = await register({ input: parsed.data });
      if (answer.error) {
        const refused = answer.error.graphQLErrors.find((each) => each.extensions?.code);
        const field = refused?.extensions?.field;
        const errors =
          typeof field === 'string'
            ? { [field]: '服务器未接受此项，请检查' }
            : refused?.extensions?.code === 'CONFLICT'
              ? { id: '该编号已有讲师，请换一个' }
              : {};
        return { errors, message: errorMessage(answer.error) };
      }
      void message.success(`已登记讲师 ${answer.data?.registerLecturer.name}`);
      onDone();
      return {};
    });
  };

  return (
    <Card size="small" title="登记讲师" className="office-gap">
      <Form layout="vertical" component={false}>
        <form className="office-lecturer-form" onSubmit={submit} noValidate aria-label="登记讲师">
          {problem && <Alert type="error" title={problem} showIcon role="alert" />}
          <Field id="lecturer-name" label="讲师姓名" error={errors.name} required>
            <Input
              id="lecturer-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              {...describedBy('lecturer-name', errors.name)}
            />
          </Field>
          <Field id="lecturer-topics" label="讲题/专长" error={errors.topics}>
            <Input
              id="lecturer-topics"
              value={topics}
              onChange={(e) => setTopics(e.target.value)}
              placeholder="多个用顿号分隔，如 党史、家风家训"
              {...describedBy('lecturer-topics', errors.topics)}
            />
          </Field>
          <Field id="lecturer-school" label="原任教学校" error={errors.formerSchoolId}>
            <Select
              id="lecturer-school"
              showSearch={{ optionFilterProp: 'label' }}
              allowClear
              value={formerSchoolId}
              onChange={setFormerSchoolId}
              options={schools.map((school) => ({ value: school.id, label: school.name }))}
              placeholder="可不选"
              {...describedBy('lecturer-school', errors.formerSchoolId)}
            />
          </Field>
          <Field id="lecturer-id" label="讲师编号" error={errors.id}>
            <Input
              id="lecturer-id"
              value={id}
              onChange={(e) => setId(e.target.value)}
              placeholder="不填则自动生成"
              {...describedBy('lecturer-id', errors.id)}
            />
          </Field>
          <Space>
            <Button onClick={onDone}>取消</Button>
            <Button type="primary" htmlType="submit" disabled={sending} autoInsertSpace={false}>
              {sending ? '正在登记…' : '登记'}
            </Button>
          </Space>
        </form>
      </Form>
    </Card>
  );
}
